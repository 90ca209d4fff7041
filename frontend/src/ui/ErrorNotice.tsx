/** An error from the API envelope (or any failure), announced to screen readers. */
export function ErrorNotice({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="error-notice" role="alert">
      {message}
    </p>
  );
}
