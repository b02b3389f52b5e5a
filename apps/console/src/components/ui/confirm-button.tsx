import { useEffect, useState } from 'react';
import { Button } from './button.tsx';
import type { ButtonProps } from './button.tsx';

/** A destructive action that asks once inline ("Delete" → "Confirm delete?") instead of a modal. */
export function ConfirmButton({
  onConfirm,
  confirmLabel = 'Confirm?',
  children,
  ...rest
}: Omit<ButtonProps, 'onClick'> & { onConfirm: () => void; confirmLabel?: string }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(t);
  }, [armed]);
  return (
    <Button
      variant="danger"
      {...rest}
      data-armed={armed || undefined}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
        } else setArmed(true);
      }}
    >
      {armed ? confirmLabel : children}
    </Button>
  );
}
