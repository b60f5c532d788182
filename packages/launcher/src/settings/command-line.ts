import { Option, type Command } from 'commander';
import { FLAGS, type Flag, type FlagValues } from './flags.js';

/** Adds every flag of FLAGS to `command`; the returned function reads the parsed values, keyed as in FLAGS. */
export function addFlags(command: Command): () => FlagValues {
  const options = Object.entries(FLAGS).map(([key, f]) => [key, toOption(f as Flag<unknown>)] as const);
  for (const [, option] of options) command.addOption(option);
  return () => {
    const parsed = command.opts<Record<string, unknown>>();
    const values: Record<string, unknown> = {};
    for (const [key, option] of options) {
      const value = parsed[option.attributeName()];
      if (value !== undefined) values[key] = value;
    }
    return values as FlagValues;
  };
}

function toOption(f: Flag<unknown> & { required?: true }): Option {
  const option = new Option(f.flag, f.help);
  if (f.parse !== undefined) option.argParser(f.parse);
  if (f.choices !== undefined) option.choices(f.choices as string[]);
  if (f.default !== undefined) option.default(f.default);
  if (f.required === true) option.makeOptionMandatory();
  return option;
}
