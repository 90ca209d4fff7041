import { useTranslation } from "react-i18next";
import { useAuthStore } from "../auth/authStore";
import { useMembersStore } from "../projects/membersStore";
import { useRealtimeStore } from "../realtime/realtimeStore";

/** Who of the team is online or away. */
export function TeamPresence() {
  const { t } = useTranslation();
  const members = useMembersStore((state) => state.members);
  const presence = useRealtimeStore((state) => state.presence);
  const myStatus = useRealtimeStore((state) => state.myStatus);
  const me = useAuthStore((state) => state.user);
  if (members.length === 0) return null;
  return (
    <section className="team-presence" aria-labelledby="team-title">
      <h2 id="team-title">{t("presence.team")}</h2>
      <ul>
        {members.map((member) => {
          const isMe = member.user.id === me?.id;
          const status = isMe ? myStatus : (presence[member.user.id] ?? "offline");
          return (
            <li key={member.user.id}>
              <span className={`presence-dot ${status}`} aria-hidden="true" />
              <span>{member.user.name || member.user.email}</span>
              <span className="muted small">{t(`presence.${status}`)}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
