/**
 * CSV writing rules, shared by the export paths (R-DET-2). PostgreSQL's COPY (FORMAT csv)
 * follows the same rules, so both paths give the same bytes: a field is quoted when it
 * contains a comma, a double quote, CR or LF, or is empty text (NULL stays an empty,
 * unquoted field); quotes inside are doubled; records end with LF.
 */

/** Prefixes an apostrophe to a cell a spreadsheet would run as a formula. Twin of SQL `csv_safe`. */
export function neutralizeFormula(value: string): string {
  return /^[=+@\t\r-]/.test(value) ? `'${value}` : value;
}

export function csvField(value: string | null): string {
  if (value === null) return "";
  if (value === "" || /[",\r\n]/.test(value) || value === "\\.") return `"${value.replace(/"/g, '""')}"`;
  return value;
}

export function csvRecord(values: readonly (string | null)[]): string {
  return `${values.map(csvField).join(",")}\n`;
}
