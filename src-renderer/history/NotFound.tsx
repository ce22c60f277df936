import { Link } from 'react-aria-components';

/** An id the history does not hold (mistyped, another profile's, or a preview discarded after its day). */
export function NotFound({ operationId, message }: { operationId: string; message: string | null }) {
  return (
    <section className="panel not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Operation not found</h1>
      <p>
        There is no operation <code>{operationId}</code> in this profile&apos;s history (404). It may be a preview that was
        never applied (previews are discarded after a day), a mistyped address, or another profile&apos;s.
      </p>
      {message && <p className="muted">FileOrganizer said: {message}</p>}
      <p><Link href="/history" className="button button-primary">All operations</Link></p>
    </section>
  );
}
