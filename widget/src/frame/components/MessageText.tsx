import { linkify } from "../linkify";

/** Message text with http(s) links made clickable; everything else stays text (no HTML). */
export function MessageText({ text }: { text: string }) {
  return (
    <p class="lc-text">
      {linkify(text).map((segment, index) =>
        segment.href ? (
          <a key={index} href={segment.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {segment.text}
          </a>
        ) : (
          segment.text
        ),
      )}
    </p>
  );
}
