/** The box a React Aria Checkbox draws (the real input is visually hidden inside it); styled by its state. */
export function CheckMark() {
  return (
    <span className="check-mark" aria-hidden="true">
      <svg viewBox="0 0 18 18"><polyline points="3.5 9.5 7.5 13 14.5 5" /></svg>
    </span>
  );
}
