import { notFound } from "next/navigation";

/** Any other URL under the console: the 404 page inside the console frame, with its navigation. */
export default function Missing() {
  notFound();
}
