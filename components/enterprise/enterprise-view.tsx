"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime } from "@/lib/format";
import { PERMISSION_LABELS, PERMISSIONS } from "@/server/enterprise/schema";
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

/** The Enterprise Account Center (R-ENT-1..3) as the caller's account sees it. */
export function EnterpriseView({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const { data: status } = useSuspenseQuery(trpc.enterprise.status.queryOptions());
  return (
    <div className="space-y-6">
      {status.role === "none" && <EnableCard />}
      {status.role === "member" && status.memberOf && (
        <Section title="Your enterprise" id="membership">
          <p className="text-sm">
            Your account is a member of <strong>{status.memberOf.name}</strong> (financial account UID{" "}
            {status.memberOf.masterAccountId})
            {status.memberOf.joinedAt ? `, since ${formatDateTime(status.memberOf.joinedAt, timeZone)}` : ""}.
          </p>
          <p className="text-sm">
            {status.memberOf.managed
              ? "Its financial account manages your account's finances and may share pool vouchers with you."
              : "Its financial account does not manage your account's finances."}
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
  return (
    <Section title="Enterprise Account Center is not enabled" id="enable">
      <p className="text-sm text-slate-700">
        Enabling it makes this account the enterprise's financial account: you can invite member accounts,
        manage their finances, grant administrators permissions and use the Coupon Quota Pool. You become the
        enterprise owner.
      </p>
      <form
        className="grid grid-cols-1 gap-3 sm:flex sm:flex-wrap sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name") ?? "").trim();
          enable.mutate(name ? { name } : {});
        }}
      >
        <label className="text-sm">
          Enterprise name (optional)
          <input name="name" maxLength={100} className={control} />
        </label>
        <button type="submit" className={primary} disabled={enable.isPending}>
          {enable.isPending ? "Enabling…" : "Enable Enterprise Account Center"}
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
  return (
    <Section title="Invitations" id="invitations">
      <ul className="space-y-2 text-sm">
        {invitations.map((i) => (
          <li key={i.enterpriseId} className="flex flex-wrap items-center gap-3">
            <span>
              <strong>{i.name}</strong> (financial account UID {i.masterAccountId}) invited your account on{" "}
              {formatDateTime(i.invitedAt, timeZone)}.
            </span>
            <button
              type="button"
              className={primary}
              disabled={accept.isPending}
              onClick={() => accept.mutate({ enterpriseId: i.enterpriseId })}
            >
              Accept invitation from {i.name}
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
  return (
    <>
      <Section title={ent.name} id="summary">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-600">Financial account</dt>
          <dd>
            {ent.masterAccountName} (UID {ent.masterAccountId})
          </dd>
          <dt className="text-slate-600">Enabled</dt>
          <dd>{ent.enabledAt ? formatDateTime(ent.enabledAt, timeZone) : "—"}</dd>
          <dt className="text-slate-600">Owner</dt>
          <dd>{owner ? `${owner.name} (${owner.email})` : "—"}</dd>
        </dl>
        {!ent.isOwner && (
          <p className="text-sm text-slate-700">
            Only the owner changes members, financial management and permissions; you can see them here.
          </p>
        )}
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
  const [done, setDone] = useState<string | null>(null);
  const nameOf = (id: string) => {
    const m = members.find((x) => x.accountId === id);
    return m ? `${m.name} (UID ${id})` : `account UID ${id}`;
  };
  const opts = (what: string) => ({
    onSuccess: (r: { accountId: string }) => {
      setDone(`${what} ${nameOf(r.accountId)}.`);
      invalidate();
    },
  });
  const invite = useMutation(trpc.enterprise.invite.mutationOptions(opts("Invited")));
  const remove = useMutation(trpc.enterprise.removeMember.mutationOptions(opts("Removed")));
  const manage = useMutation(trpc.enterprise.manage.mutationOptions(opts("Now managing the finances of")));
  const unmanage = useMutation(
    trpc.enterprise.unmanage.mutationOptions(opts("Ended financial management of")),
  );
  const error = invite.error ?? remove.error ?? manage.error ?? unmanage.error;
  const [removing, setRemoving] = useState<Member | null>(null);
  const busy = invite.isPending || remove.isPending || manage.isPending || unmanage.isPending;
  return (
    <Section title="Members and financial management" id="members">
      {members.length === 0 ? (
        <p className="text-sm text-slate-700">No member accounts yet. Invite one by its UID.</p>
      ) : (
        <TableScroll label="Scrollable table of member accounts">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Member accounts</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  Account
                </th>
                <th scope="col" className={th}>
                  Status
                </th>
                <th scope="col" className={th}>
                  Financial management
                </th>
                {isOwner && (
                  <th scope="col" className={th}>
                    Actions
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.accountId} className="border-t border-slate-200">
                  <td className={td}>
                    {m.name} <span className="font-mono text-slate-600">UID {m.accountId}</span>
                  </td>
                  <td className={td}>
                    {m.status === "active"
                      ? `Active${m.joinedAt ? ` since ${formatDateTime(m.joinedAt, timeZone)}` : ""}`
                      : "Invited, not yet accepted"}
                  </td>
                  <td className={td}>
                    {m.managed && m.managedSince
                      ? `Managed since ${formatDateTime(m.managedSince, timeZone)}`
                      : "Not managed"}
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
                              aria-label={`End financial management of ${m.name} (UID ${m.accountId})`}
                              onClick={() => unmanage.mutate({ accountId: m.accountId })}
                            >
                              End financial management
                            </button>
                          ) : (
                            <button
                              type="button"
                              className={secondary}
                              disabled={busy}
                              aria-label={`Manage finances of ${m.name} (UID ${m.accountId})`}
                              onClick={() => manage.mutate({ accountId: m.accountId })}
                            >
                              Manage finances
                            </button>
                          ))}
                        <button
                          type="button"
                          className={secondary}
                          disabled={busy}
                          aria-label={`Remove ${m.name} (UID ${m.accountId})`}
                          onClick={() => setRemoving(m)}
                        >
                          Remove
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
          aria-label="Invite a member account"
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
            Member account UID
            <input name="accountId" required maxLength={64} className={control} autoComplete="off" />
          </label>
          <button type="submit" className={primary} disabled={busy}>
            Invite
          </button>
        </form>
      )}
      <ErrorAlert error={error} />
      {done && !error && <Done>{done}</Done>}
      <Dialog
        title={`Remove ${removing?.name ?? ""}?`}
        open={removing !== null}
        onClose={() => setRemoving(null)}
      >
        <p>
          {removing?.name} (UID {removing?.accountId}) leaves the enterprise. Financial management of it ends
          and the pool vouchers shared with it stop working for it at once. Its own vouchers and orders are
          not touched. You can invite it again later.
        </p>
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
            Remove {removing?.name}
          </button>
          <button type="button" className={secondary} onClick={() => setRemoving(null)}>
            Cancel
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
  const [revoking, setRevoking] = useState<{
    userId: string;
    name: string;
    email: string;
    permission: (typeof PERMISSIONS)[number];
  } | null>(null);
  return (
    <Section title="Administrators and permissions" id="permissions">
      <p className="text-sm text-slate-700">
        Administrators are the users of the financial account. Permissions apply to this financial account and
        the member accounts it manages; a change takes effect on the next request.
      </p>
      <TableScroll label="Scrollable table of permissions">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Permissions per administrator</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className={th}>
                Administrator
              </th>
              {PERMISSIONS.map((p) => (
                <th key={p} scope="col" className={th}>
                  {PERMISSION_LABELS[p]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {administrators.map((a) => (
              <tr key={a.userId} className="border-t border-slate-200">
                <th scope="row" className={`${td} font-normal`}>
                  {a.name} <span className="text-slate-600">({a.email})</span>
                  {a.isOwner && <span className="ml-1 text-xs font-medium text-brand-700">Owner</span>}
                </th>
                {PERMISSIONS.map((p) => {
                  const has = a.permissions.includes(p);
                  return (
                    <td key={p} className={td}>
                      <input
                        type="checkbox"
                        checked={has}
                        disabled={!isOwner || busy}
                        aria-label={`${PERMISSION_LABELS[p]} for ${a.email}`}
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
        title={`Revoke ${revoking ? PERMISSION_LABELS[revoking.permission] : ""}?`}
        open={revoking !== null}
        onClose={() => setRevoking(null)}
      >
        <p>
          {revoking?.name} ({revoking?.email}) loses the{" "}
          {revoking ? PERMISSION_LABELS[revoking.permission] : ""} permission on their next request. You can
          grant it again at any time.
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
            Revoke the permission
          </button>
          <button type="button" className={secondary} onClick={() => setRevoking(null)}>
            Cancel
          </button>
        </div>
      </Dialog>
    </Section>
  );
}
