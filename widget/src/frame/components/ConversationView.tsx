import { useEffect, useRef } from "preact/hooks";
import { isAway } from "../away";
import { useApp } from "../context";
import { canStartNew, currentConversation, isResolved, visibleMessages, visibleOutgoing } from "../store";
import { AwayNotice } from "./AwayNotice";
import { Composer } from "./Composer";
import { MessageItem, OutgoingItem } from "./MessageItem";
import type { Message } from "../../shared/types";

/** A message shows its sender when it starts a run of messages from someone else. */
function isNewSender(previous: Message | undefined, message: Message): boolean {
  return !previous || previous.sender_type !== message.sender_type || previous.sender?.name !== message.sender?.name;
}

/** One conversation: greeting, messages, typing indicator, and the composer (or the resolved notice). */
export function ConversationView() {
  const { state, client, t } = useApp();
  const config = state.session!.config;
  const messages = visibleMessages(state);
  const outgoing = visibleOutgoing(state);
  const conversation = currentConversation(state);
  const typingAgent = state.currentId !== null ? state.agentTyping[state.currentId] : undefined;
  const lastMessage = messages[messages.length - 1];
  // Away: shown until an agent answers; the conversation then simply goes on.
  const showAway = isAway(config) && lastMessage?.sender_type !== "agent";
  const agentRead = state.currentId !== null ? state.agentReadSeq[state.currentId] || 0 : 0;
  const lastMine = [...messages].reverse().find((m) => m.sender_type === "visitor");
  const isLoaded = state.currentId === null || !!state.loaded[state.currentId];

  // Follow new messages while the visitor is at the bottom (or has just written one);
  // leave the scroll alone while they read older messages.
  const scroller = useRef<HTMLDivElement>(null);
  const isAtBottom = useRef(true);
  const count = messages.length + outgoing.length;
  useEffect(() => {
    const box = scroller.current;
    if (box && (isAtBottom.current || outgoing.length)) box.scrollTop = box.scrollHeight;
    // isOpen: while the host hides the iframe nothing has a layout, so scroll again once shown.
  }, [count, typingAgent, state.currentId, state.isOpen]);
  const onScroll = () => {
    const box = scroller.current!;
    isAtBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  };

  return (
    <>
      <div class="lc-main" ref={scroller} onScroll={onScroll}>
        <p class="lc-greeting">{config.greeting || t("greeting")}</p>
        {showAway && <AwayNotice />}
        {/* Silent while the history loads, so only new messages are announced. */}
        <div role="log" aria-live={isLoaded ? "polite" : "off"} aria-label={t("messages")} class="lc-log">
          {messages.map((message, index) => (
            <MessageItem
              key={message.conversation_id + ":" + message.seq}
              message={message}
              showSender={isNewSender(messages[index - 1], message)}
              receipt={message === lastMine ? (agentRead >= message.seq ? t("seen") : t("sent")) : undefined}
            />
          ))}
          {outgoing.map((message) => (
            <OutgoingItem key={message.client_msg_id} message={message} />
          ))}
        </div>
        {typingAgent && <p class="lc-typing">{t("typing", { name: typingAgent.name || t("team") })}</p>}
      </div>
      {isResolved(conversation) ? (
        <div class="lc-footer">
          <p>{t("resolved")}</p>
          {canStartNew(state) && (
            <button type="button" class="lc-button" data-autofocus onClick={() => client.startNewConversation()}>
              {t("start_new")}
            </button>
          )}
        </div>
      ) : (
        <Composer />
      )}
    </>
  );
}
