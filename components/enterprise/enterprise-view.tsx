"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime } from "@/lib/format";
import { useLabels } from "@/lib/use-labels";
import { PERMISSIONS } from "@/server/enterprise/schema";
import { useTRPC } from "@/trpc/client";
import { control, Done, ErrorAlert, primary, Section, secondary, td, th } from "./shared";

function useInvalidateEnterprise() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: trpc.enterprise.status.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.enterprise.get.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.enterprise.audit.pathKey() });
    void qc.invalidateQueries({ queryKey: trpc.quotaPool.overview.queryKey() });
  };
}

/** An instant in the viewer's language, in the zone the page was given (the user's, R-TZ-1). */
function useWhen(timeZone: string) {
  const locale = useLocale();
  return (iso: string) => formatDateTime(iso, timeZone, locale);
}

/** Names are data: shown as typed, never machine-translated. */
const strong = (chunks: ReactNode) => <strong translate="no">{chunks}</strong>;
const keep = (chunks: ReactNode) => <span translate="no">{chunks}</span>;

/** The Enterprise Account Center (R-ENT-1..3) as the caller's account sees it. */
export function EnterpriseView({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const t = useTranslations("enterprise");
  const when = useWhen(timeZone);
  const { data: status } = useSuspenseQuery(trpc.enterprise.status.queryOptions());
  return (
    <div className="space-y-6">
      {status.role === "none" && <EnableCard />}
      {status.role === "member" && status.memberOf && (
        <Section title={t("yourEnterprise")} id="membership">
          <p className="text-sm">
            {status.memberOf.joinedAt
              ? t.rich("memberOfSince", {
                  name: status.memberOf.name,
                  id: status.memberOf.masterAccountId,
                  since: when(status.memberOf.joinedAt),
                  strong,
                })
              : t.rich("memberOf", {
                  name: status.memberOf.name,
                  id: status.memberOf.masterAccountId,
                  strong,
                })}
          </p>
          <p className="text-sm">
            {status.memberOf.managed ? t("managedByEnterprise") : t("notManagedByEnterprise")}
          </p>
        </Section>
      )}
      {status.invitations.length > 0 && <Invitations invitations={status.invitations} timeZone={timeZone} />}
      {status.role === "master" && <EnterpriseAdmin timeZone={timeZone} />}
    </div>
  );
}

function EnableCard() {
  const trpc = useTRPC();
  const invalidate = useInvalidateEnterprise();
  const enable = useMutation(trpc.enterprise.enable.mutationOptions({ onSuccess: invalidate }));
  const t = useTranslations("enterprise");
  return (
    <Section title={t("notEnabled")} id="enable">
      <p className="text-sm text-slate-700">{t("enableIntro")}</p>
      <form
        className="grid grid-cols-1 gap-3 sm:flex sm:flex-wrap sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name") ?? "").trim();
          enable.mutate(name ? { name } : {});
        }}
      >
        <label className="text-sm">
          {t("enterpriseName")}
          <input name="name" maxLength={100} className={control} />
        </label>
        <button type="submit" className={primary} disabled={enable.isPending}>
          {enable.isPending ? t("enabling") : t("enable")}
        </button>
      </form>
      <ErrorAlert error={enable.error} />
    </Section>
  );
}

function Invitations({
  invitations,
  timeZone,
}: {
  invitations: { enterpriseId: string; name: string; masterAccountId: string; invitedAt: string }[];
  timeZone: string;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateEnterprise();
  const accept = useMutation(trpc.enterprise.accept.mutationOptions({ onSuccess: invalidate }));
  const t = useTranslations("enterprise");
  const when = useWhen(timeZone);
  return (
    <Section title={t("invitations")} id="invitations">
      <ul className="space-y-2 text-sm">
        {invitations.map((i) => (
          <li key={i.enterpriseId} className="flex flex-wrap items-center gap-3">
            <span>
              {t.rich("invitedBy", {
                name: i.name,
                id: i.masterAccountId,
                date: when(i.invitedAt),
                strong,
              })}
            </span>
            <button
              type="button"
              className={primary}
              disabled={accept.isPending}
              onClick={() => accept.mutate({ enterpriseId: i.enterpriseId })}
            >
              {t("acceptFrom", { name: i.name })}
            </button>
          </li>
        ))}
      </ul>
      <ErrorAlert error={accept.error} />
    </Section>
  );
}

function EnterpriseAdmin({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const { data: ent } = useSuspenseQuery(trpc.enterprise.get.queryOptions());
  const owner = ent.administrators.find((a) => a.isOwner);
  const t = useTranslations("enterprise");
  const when = useWhen(timeZone);
  return (
    <>
      <Section title={ent.name} id="summary">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-600">{t("financialAccount")}</dt>
          <dd>{t.rich("nameWithUid", { name: ent.masterAccountName, id: ent.masterAccountId, keep })}</dd>
          <dt className="text-slate-600">{t("enabled")}</dt>
          <dd>{ent.enabledAt ? when(ent.enabledAt) : "—"}</dd>
          <dt className="text-slate-600">{t("owner")}</dt>
          <dd>{owner ? t.rich("nameWithEmail", { name: owner.name, email: owner.email, keep }) : "—"}</dd>
        </dl>
        {!ent.isOwner && <p className="text-sm text-slate-700">{t("onlyOwner")}</p>}
      </Section>
      <Members members={ent.members} isOwner={ent.isOwner} timeZone={timeZone} />
      <Permissions administrators={ent.administrators} isOwner={ent.isOwner} />
    </>
  );
}

type Member = {
  accountId: string;
  name: string;
  status: "invited" | "active";
  invitedAt: string;
  joinedAt: string | null;
  managed: boolean;
  managedSince: string | null;
};

function Members({ members, isOwner, timeZone }: { members: Member[]; isOwner: boolean; timeZone: string }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateEnterprise();
  const t = useTranslations("enterprise");
  const when = useWhen(timeZone);
  // What was done, and to whom: the name is taken when the call succeeds (a removed member leaves
  // the list right after); the sentence is worded at render, in the viewer's language.
  const [done, setDone] = useState<{
    what: "doneInvite" | "doneRemove" | "doneManage" | "doneUnmanage";
    accountId: string;
    name: string | null;
  } | null>(null);
  const opts = (what: "doneInvite" | "doneRemove" | "doneManage" | "doneUnmanage") => ({
    onSuccess: (r: { accountId: string }) => {
      const name = members.find((x) => x.accountId === r.accountId)?.name ?? null;
      setDone({ what, accountId: r.accountId, name });
      invalidate();
    },
  });
  const invite = useMutation(trpc.enterprise.invite.mutationOptions(opts("doneInvite")));
  const remove = useMutation(trpc.enterprise.removeMember.mutationOptions(opts("doneRemove")));
  const manage = useMutation(trpc.enterprise.manage.mutationOptions(opts("doneManage")));
  const unmanage = useMutation(trpc.enterprise.unmanage.mutationOptions(opts("doneUnmanage")));
  const error = invite.error ?? remove.error ?? manage.error ?? unmanage.error;
  const [removing, setRemoving] = useState<Member | null>(null);
  const busy = invite.isPending || remove.isPending || manage.isPending || unmanage.isPending;
  return (
    <Section title={t("membersTitle")} id="members">
      {members.length === 0 ? (
        <p className="text-sm text-slate-700">{t("noMembers")}</p>
      ) : (
        <TableScroll label={t("membersScroll")}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">{t("membersCaption")}</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  {t("colAccount")}
                </th>
                <th scope="col" className={th}>
                  {t("colStatus")}
                </th>
                <th scope="col" className={th}>
                  {t("colManagement")}
                </th>
                {isOwner && (
                  <th scope="col" className={th}>
                    {t("colActions")}
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.accountId} className="border-t border-slate-200">
                  <td className={td}>
                    <span translate="no">{m.name}</span>{" "}
                    <span className="font-mono text-slate-600">{t("uid", { id: m.accountId })}</span>
                  </td>
                  <td className={td}>
                    {m.status === "active"
                      ? m.joinedAt
                        ? t("activeSince", { date: when(m.joinedAt) })
                        : t("active")
                      : t("invitedPending")}
                  </td>
                  <td className={td}>
                    {m.managed && m.managedSince
                      ? t("managedSince", { date: when(m.managedSince) })
                      : t("notManaged")}
                  </td>
                  {isOwner && (
                    <td className={`${td} whitespace-nowrap`}>
                      <div className="flex flex-wrap gap-2">
                        {m.status === "active" &&
                          (m.managed ? (
                            <button
                              type="button"
                              className={secondary}
                              disabled={busy}
                              aria-label={t("endManagementOf", { name: m.name, id: m.accountId })}
                              onClick={() => unmanage.mutate({ accountId: m.accountId })}
                            >
                              {t("endManagement")}
                            </button>
                          ) : (
                            <button
                              type="button"
                              className={secondary}
                              disabled={busy}
                              aria-label={t("manageOf", { name: m.name, id: m.accountId })}
                              onClick={() => manage.mutate({ accountId: m.accountId })}
                            >
                              {t("manage")}
                            </button>
                          ))}
                        <button
                          type="button"
                          className={secondary}
                          disabled={busy}
                          aria-label={t("removeOf", { name: m.name, id: m.accountId })}
                          onClick={() => setRemoving(m)}
                        >
                          {t("remove")}
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {isOwner && (
        <form
          aria-label={t("inviteForm")}
          className="grid grid-cols-1 gap-3 sm:flex sm:flex-wrap sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setDone(null);
            const form = e.currentTarget;
            invite.mutate(
              { accountId: String(new FormData(form).get("accountId") ?? "").trim() },
              { onSuccess: () => form.reset() },
            );
          }}
        >
          <label className="text-sm">
            {t("memberUid")}
            <input name="accountId" required maxLength={64} className={control} autoComplete="off" />
          </label>
          <button type="submit" className={primary} disabled={busy}>
            {t("invite")}
          </button>
        </form>
      )}
      <ErrorAlert error={error} />
      {done && !error && (
        <Done>
          {t(done.what, {
            who:
              done.name === null
                ? t("whoUnknown", { id: done.accountId })
                : t("who", { name: done.name, id: done.accountId }),
          })}
        </Done>
      )}
      <Dialog
        title={t("removeTitle", { name: removing?.name ?? "" })}
        open={removing !== null}
        onClose={() => setRemoving(null)}
      >
        <p>{t("removeBody", { name: removing?.name ?? "", id: removing?.accountId ?? "" })}</p>
        <div className="flex flex-wrap gap-3">
          <button
            type="button"
            className={primary}
            disabled={busy}
            onClick={() => {
              if (removing) remove.mutate({ accountId: removing.accountId });
              setRemoving(null);
            }}
          >
            {t("removeConfirm", { name: removing?.name ?? "" })}
          </button>
          <button type="button" className={secondary} onClick={() => setRemoving(null)}>
            {t("cancel")}
          </button>
        </div>
      </Dialog>
    </Section>
  );
}

type Admin = { userId: string; email: string; name: string; permissions: string[]; isOwner: boolean };

function Permissions({ administrators, isOwner }: { administrators: Admin[]; isOwner: boolean }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateEnterprise();
  const grant = useMutation(trpc.enterprise.grant.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.enterprise.revoke.mutationOptions({ onSuccess: invalidate }));
  const busy = grant.isPending || revoke.isPending;
  const t = useTranslations("enterprise");
  const l = useLabels();
  const [revoking, setRevoking] = useState<{
    userId: string;
    name: string;
    email: string;
    permission: (typeof PERMISSIONS)[number];
  } | null>(null);
  return (
    <Section title={t("permissionsTitle")} id="permissions">
      <p className="text-sm text-slate-700">{t("permissionsIntro")}</p>
      <TableScroll label={t("permissionsScroll")}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">{t("permissionsCaption")}</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className={th}>
                {t("colAdministrator")}
              </th>
              {PERMISSIONS.map((p) => (
                <th key={p} scope="col" className={th}>
                  {l.permission(p)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {administrators.map((a) => (
              <tr key={a.userId} className="border-t border-slate-200">
                <th scope="row" className={`${td} font-normal`}>
                  <span translate="no">{a.name}</span>{" "}
                  <span className="text-slate-600">{t("emailInParens", { email: a.email })}</span>
                  {a.isOwner && <span className="ml-1 text-xs font-medium text-brand-700">{t("owner")}</span>}
                </th>
                {PERMISSIONS.map((p) => {
                  const has = a.permissions.includes(p);
                  return (
                    <td key={p} className={td}>
                      <input
                        type="checkbox"
                        checked={has}
                        disabled={!isOwner || busy}
                        aria-label={t("permissionFor", { permission: l.permission(p), email: a.email })}
                        onChange={() =>
                          has
                            ? setRevoking({ userId: a.userId, name: a.name, email: a.email, permission: p })
                            : grant.mutate({ userId: a.userId, permission: p })
                        }
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <ErrorAlert error={grant.error ?? revoke.error} />
      <Dialog
        title={t("revokeTitle", { permission: revoking ? l.permission(revoking.permission) : "" })}
        open={revoking !== null}
        onClose={() => setRevoking(null)}
      >
        <p>
          {t("revokeBody", {
            name: revoking?.name ?? "",
            email: revoking?.email ?? "",
            permission: revoking ? l.permission(revoking.permission) : "",
          })}
        </p>
        <div className="flex flex-wrap gap-3">
          <button
            type="button"
            className={primary}
            disabled={busy}
            onClick={() => {
              if (revoking) revoke.mutate({ userId: revoking.userId, permission: revoking.permission });
              setRevoking(null);
            }}
          >
            {t("revoke")}
          </button>
          <button type="button" className={secondary} onClick={() => setRevoking(null)}>
            {t("cancel")}
          </button>
        </div>
      </Dialog>
    </Section>
  );
}
