import { Link } from 'react-aria-components';
import { visibleName } from '../ui/format.js';

/** Longest part of the address shown back: an id is 26 characters; anything much longer was not one. */
const SHOWN = 40;

/**
 * An address the history holds no operation for (mistyped, another profile's, or a preview discarded after its
 * day). The address's id is shown short, its disguising characters made visible and isolated from the sentence's
 * direction, so whatever was typed (or linked to) cannot pass for words of the window.
 */
/** The id made visible, cut to SHOWN characters with "…", never in the middle of a ⟨U+XXXX⟩ escape. */
function shortened(id: string): string {
  const whole = visibleName(id);
  if ([...whole].length <= SHOWN) return whole;
  let shown = '';
  for (const char of id) {
    const piece = visibleName(char);
    if ([...shown].length + [...piece].length > SHOWN - 1) break;
    shown += piece;
  }
  return `${shown}…`;
}

export function NotFound({ operationId }: { operationId: string }) {
  const shown = shortened(operationId);
  return (
    <section className="panel not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Operation not found</h1>
      <p>
        The address names the operation <bdi className="mono not-found-id">{shown}</bdi>, which this profile&apos;s history
        does not hold. The address may be mistyped or belong to another profile, or the operation was a preview never
        applied (previews are discarded after a day).
      </p>
      <p>Every operation this profile ran is in the list.</p>
      <p><Link href="/history" className="button button-primary">All operations</Link></p>
    </section>
  );
}
