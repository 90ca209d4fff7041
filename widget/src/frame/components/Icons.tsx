/** Decorative icons; buttons carry their own accessible names. */

export const CloseIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" class="lc-icon">
    <path d="M6 6l12 12M18 6 6 18" />
  </svg>
);

export const BackIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" class="lc-icon">
    <path d="M15 5l-7 7 7 7" />
  </svg>
);

export const SendIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" class="lc-icon lc-fill">
    <path d="M3 20.5 21 12 3 3.5 3 10l12 2-12 2z" />
  </svg>
);

export const AttachIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" class="lc-icon">
    <path d="M20 11.5 12.3 19.2a5 5 0 0 1-7.1-7.1l8.2-8.2a3.3 3.3 0 0 1 4.7 4.7l-8.2 8.2a1.7 1.7 0 0 1-2.4-2.4l7.6-7.6" />
  </svg>
);
