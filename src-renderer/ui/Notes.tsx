import { type ReactNode } from 'react';

/** An error in words, with what to do; announced when it appears. */
export function ErrorNote({ children }: { children: ReactNode }) {
  return <div className="note note-error" role="alert">{children}</div>;
}

/** A quiet line of information that is announced politely (a result, a count that changed). */
export function InfoNote({ children }: { children: ReactNode }) {
  return <div className="note note-info" role="status">{children}</div>;
}

/** What an empty list or screen says, with what to try. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-state-title">{title}</p>
      {children && <div className="empty-state-hint">{children}</div>}
    </div>
  );
}
