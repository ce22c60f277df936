import { Button } from 'react-aria-components';
import { plural } from '../ui/format.js';

/**
 * Why undo left some files where the run put them, and what to do: undo never overwrites or loses a file, so a
 * file edited since the run, or whose old name another file took, stays; each row's reason says which.
 */
export function RollbackConflicts({ count, showing, onShow }: { count: number; showing: boolean; onShow: () => void }) {
  return (
    <section className="panel conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{plural(count, 'file')} not put back</h2>
      <p>
        Undo puts a file back only when nothing is lost by it. {count === 1 ? 'This file was' : 'These files were'} left
        where the run put {count === 1 ? 'it' : 'them'}: edited or replaced since the run, no longer there, or another
        file now has the old name. The journal says which, for each.
      </p>
      <p>
        To finish: keep an edited file where it is, or move it back yourself; move or rename a file that took an old
        name; then press Undo again. It puts back what it safely can and leaves the rest as it is.
      </p>
      {!showing && <Button className="button button-small" onPress={onShow}>Show the files not put back</Button>}
    </section>
  );
}
