import { fromLocalInput, TIME_PRESETS, toLocalInput } from '../../lib/time-range.ts';
import type { TimeChoice } from '../../lib/time-range.ts';
import { Field } from './field.tsx';

/**
 * A time-range filter: presets, or a custom From/To (local wall-clock inputs, ISO in the value).
 * One component for the audit log and the runs page (lib/time-range.ts holds the rules).
 */
export function TimeRangeFields({
  label,
  time,
  since,
  until,
  onTime,
  onSince,
  onUntil,
  testIdPrefix,
}: {
  label: string;
  time: TimeChoice;
  since: string;
  until: string;
  onTime: (time: TimeChoice) => void;
  onSince: (iso: string) => void;
  onUntil: (iso: string) => void;
  /** `audit-filter` gives `audit-filter-time`, `-since`, `-until`. */
  testIdPrefix: string;
}) {
  return (
    <>
      <Field label={label}>
        <select
          value={time}
          onChange={(e) => onTime(e.target.value as TimeChoice)}
          data-testid={`${testIdPrefix}-time`}
        >
          <option value="">any time</option>
          {TIME_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </Field>
      {time === 'custom' ? (
        <>
          <Field label="From" wide>
            <input
              type="datetime-local"
              value={toLocalInput(since)}
              onChange={(e) => onSince(fromLocalInput(e.target.value))}
              data-testid={`${testIdPrefix}-since`}
            />
          </Field>
          <Field label="To" wide>
            <input
              type="datetime-local"
              value={toLocalInput(until)}
              onChange={(e) => onUntil(fromLocalInput(e.target.value, true))}
              data-testid={`${testIdPrefix}-until`}
            />
          </Field>
        </>
      ) : null}
    </>
  );
}
