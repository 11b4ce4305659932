import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { IconMonitor, IconMoon, IconSun } from '../../components/icons';
import { setTheme, useEffectiveTheme, useTheme, type ThemeChoice } from '../../lib/theme';

const choices: Array<{ value: ThemeChoice; label: string; icon: typeof IconSun }> = [
  { value: 'system', label: 'System', icon: IconMonitor },
  { value: 'light', label: 'Light', icon: IconSun },
  { value: 'dark', label: 'Dark', icon: IconMoon },
];

export function ThemeMenu() {
  const choice = useTheme();
  const Current = useEffectiveTheme() === 'dark' ? IconMoon : IconSun;
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="btn btn-ghost btn-icon" aria-label={`Colour theme: ${choice}`}>
        <Current />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          <DropdownMenu.RadioGroup value={choice} onValueChange={(v) => setTheme(v as ThemeChoice)}>
            {choices.map(({ value, label, icon: Icon }) => (
              <DropdownMenu.RadioItem key={value} value={value} className="menu-item">
                <Icon /> {label}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
