import { useCallback, useState } from 'react';
import { arrivalOf } from '../versioned-edit.ts';

interface Versioned {
  id: string;
  version: number;
}

/**
 * Form state for one graph element that may change underneath (docs/console.md "Changed
 * elsewhere"). Follows the server's record while the form is untouched; with unsaved edits, a
 * newer record that touches the form's fields becomes `theirs` and the panel asks: load theirs, or
 * keep mine. A save that the server refused as stale (409 VERSION_CONFLICT) asks the same.
 */
export function useVersionedForm<R extends Versioned, V>(
  latest: R,
  valuesOf: (r: R) => V,
  diff: (a: V, b: V) => string[],
) {
  const [base, setBase] = useState(latest);
  const [against, setAgainst] = useState(latest);
  const [values, setValues] = useState(() => valuesOf(latest));
  const [theirs, setTheirs] = useState<R | null>(null);
  const [seen, setSeen] = useState(latest.version);
  const [refusedWith, setRefusedWith] = useState<R | null>(null);

  const arrive = (record: R) => {
    const what = arrivalOf({
      againstVersion: against.version,
      latestVersion: record.version,
      diff,
      values,
      base: valuesOf(base),
      against: valuesOf(against),
      latest: valuesOf(record),
    });
    if (what === 'rebase') setAgainst(record);
    else if (what === 'adopt') {
      setBase(record);
      setAgainst(record);
      setValues(valuesOf(record));
      setTheirs(null);
    } else if (what === 'conflict' && (!theirs || theirs.version < record.version)) setTheirs(record);
  };

  // The server's record changed: decided during render (React's "adjust state when a prop changes").
  if (latest.version !== seen) {
    setSeen(latest.version);
    arrive(latest);
  }
  // A refused save reports from a promise; handled here with this render's form values.
  if (refusedWith) {
    setRefusedWith(null);
    arrive(refusedWith);
  }

  const loadTheirs = useCallback(() => {
    if (!theirs) return;
    setBase(theirs);
    setAgainst(theirs);
    setValues(valuesOf(theirs));
    setTheirs(null);
  }, [theirs, valuesOf]);
  const keepMine = useCallback(() => {
    if (!theirs) return;
    setAgainst(theirs);
    setTheirs(null);
  }, [theirs]);

  return {
    values,
    setValues,
    base,
    against,
    theirs,
    /** Fields the other writer changed, for the notice. */
    theirChanges: theirs ? diff(valuesOf(against), valuesOf(theirs)) : [],
    dirty: diff(values, valuesOf(base)).length > 0,
    /** A save was refused as stale: `current` is what the server has. */
    refused: setRefusedWith as (current: R) => void,
    loadTheirs,
    keepMine,
  };
}
