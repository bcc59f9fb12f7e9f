// A tooltip that shows on hover and on keyboard focus, announced through aria-describedby.
import { useId, useState, type ReactElement, type ReactNode } from 'react';

export function WithTooltip({
  tip,
  children,
}: {
  tip: ReactNode;
  children: (describedBy: string) => ReactElement;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <span
      className="tooltip-host"
      onMouseEnter={() => setOpen(true)}
      onMouseLeave={() => setOpen(false)}
      onFocus={() => setOpen(true)}
      onBlur={() => setOpen(false)}
    >
      {children(id)}
      <span role="tooltip" id={id} className={open ? 'tooltip open' : 'tooltip'}>
        {tip}
      </span>
    </span>
  );
}
