import { ProgressBar } from 'react-aria-components';
import { formatBytes, formatCount, formatDuration, formatRate, visibleName } from './format.js';
import { stageWords } from './status-words.js';

export interface RunProgressView {
  stage: string | null;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentPath: string | null;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
}

/** A run's live progress: stage, files and bytes, the file in hand, rate and time left. Only renders. */
export function RunProgress({ label, progress }: { label: string; progress: RunProgressView }) {
  const { stage, filesDone, filesTotal, bytesDone, bytesTotal, currentPath, bytesPerSecond, secondsLeft } = progress;
  const known = filesTotal > 0;
  const stageText = stageWords(stage);
  return (
    <ProgressBar
      className="run-progress"
      aria-label={label}
      value={known ? filesDone : 0}
      maxValue={known ? filesTotal : 1}
      isIndeterminate={!known}
      valueLabel={known ? `${stageText}: ${formatCount(filesDone)} of ${formatCount(filesTotal)} files` : stageText}
    >
      {({ percentage, valueText }) => (
        <>
          <div className="run-progress-head">
            {/* React Aria gives no valueText while indeterminate: the stage alone then */}
            <span className="run-progress-stage">{valueText ?? stageText}</span>
            {bytesTotal > 0 && <span className="run-progress-bytes">{formatBytes(bytesDone)} of {formatBytes(bytesTotal)}</span>}
          </div>
          <div className="meter" aria-hidden="true">
            <div className={known ? 'meter-fill' : 'meter-fill meter-fill-indeterminate'} style={known ? { width: `${percentage ?? 0}%` } : undefined} />
          </div>
          <div className="run-progress-foot">
            <span className="run-progress-current" title={currentPath === null ? undefined : visibleName(currentPath)}>{currentPath === null ? '\u00a0' : visibleName(currentPath)}</span>
            <span className="run-progress-rate">
              {bytesPerSecond !== null && formatRate(bytesPerSecond)}
              {secondsLeft !== null && ` · ${formatDuration(secondsLeft)} left`}
            </span>
          </div>
        </>
      )}
    </ProgressBar>
  );
}
