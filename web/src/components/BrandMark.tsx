/** The platform's mark: a grid with a target, drawn inline so it needs no asset. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="30" height="30" rx="6" fill="#c8161d" />
      <path d="M11 5v22M21 5v22M5 11h22M5 21h22" stroke="#ffffff" strokeOpacity="0.45" strokeWidth="1.5" />
      <circle cx="16" cy="16" r="5.5" fill="none" stroke="#ffd666" strokeWidth="2.2" />
      <circle cx="16" cy="16" r="1.8" fill="#ffd666" />
    </svg>
  );
}
