// A password input with show/hide and "generate": admins hand a generated password to the user once.
import { useId, useState } from 'react';
import { Button } from '../../../components/Button';
import { generatePassword } from '../password';

export const MIN_PASSWORD = 12;

export function PasswordField({ label, value, onChange, autoFocus }: { label: string; value: string; onChange: (v: string) => void; autoFocus?: boolean }) {
  const id = useId();
  const hint = `${id}-hint`;
  const [visible, setVisible] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="row" style={{ flexWrap: 'nowrap' }}>
        <input
          id={id}
          className="input mono"
          style={{ flex: 1, minWidth: 0 }}
          type={visible ? 'text' : 'password'}
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          value={value}
          aria-describedby={hint}
          autoFocus={autoFocus}
          onChange={(e) => onChange(e.target.value)}
        />
        <Button size="sm" onClick={() => setVisible((v) => !v)} aria-pressed={visible}>
          {visible ? 'Hide' : 'Show'}
        </Button>
        <Button
          size="sm"
          onClick={() => {
            onChange(generatePassword());
            setVisible(true);
          }}
        >
          Generate
        </Button>
      </div>
      <span id={hint} className="faint" style={{ fontSize: 'var(--text-xs)' }}>
        At least {MIN_PASSWORD} characters. Hand it over privately; it is not shown again.
      </span>
    </div>
  );
}
