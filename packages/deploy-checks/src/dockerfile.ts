import { readFileSync } from 'node:fs';
import { DockerfileParser, type Instruction, type JSONInstruction, type PropertyInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/** What the last stage of a Dockerfile makes: the image a container runs. */
export interface FinalImage {
  /** The external image the last stage starts from, through FROM <stage> chains and ARG defaults. */
  base: string;
  user: string | undefined;
  workdir: string | undefined;
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
}

interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** The linter's findings (dockerfile-utils, as in VS Code's Dockerfile support), one line each. */
export function dockerfileProblems(text: string): string[] {
  return validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

/** Parses a Dockerfile (dockerfile-ast) and describes its last stage, with what it inherits. */
export function readDockerfile(path: string): FinalImage {
  const dockerfile = DockerfileParser.parse(readFileSync(path, 'utf8'));
  const args = new Map<string, string>();
  for (const a of dockerfile.getInitialARGs()) {
    const p = a.getProperty();
    const value = p?.getValue();
    if (p && typeof value === 'string') args.set(p.getName(), value);
  }
  const expand = (s: string): string => s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (w, n: string) => args.get(n) ?? w);

  const stages: Stage[] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs().find((f) => f.getRange().start.line === i.getRange().start.line);
      stages.push({ image: expand(from?.getImage() ?? ''), name: from?.getBuildStage() ?? null, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(i);
    }
  }
  // The last stage's instructions, preceded by those of the stages it is built on.
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stages[stages.length - 1]; s; s = stages.find((t) => t.name === s?.image)) chain.unshift(s);
  const all = chain.flatMap((s) => s.instructions);
  return {
    base: chain[0].image,
    user: lastArgument(all, 'USER'),
    workdir: lastArgument(all, 'WORKDIR'),
    env: Object.fromEntries(all.filter((i) => i.getKeyword() === 'ENV').flatMap((i) => envPairs(i as PropertyInstruction))),
    entrypoint: jsonForm(all, 'ENTRYPOINT'),
    cmd: jsonForm(all, 'CMD'),
  };
}

function lastArgument(instructions: Instruction[], keyword: string): string | undefined {
  return instructions.filter((i) => i.getKeyword() === keyword).at(-1)?.getArgumentsContent() ?? undefined;
}

function envPairs(i: PropertyInstruction): [string, string][] {
  return i.getProperties().map((p) => [p.getName(), p.getValue() ?? '']);
}

/** ENTRYPOINT or CMD in exec (JSON) form; the shell form is not used by the images. */
function jsonForm(instructions: Instruction[], keyword: string): string[] {
  const last = instructions.filter((i) => i.getKeyword() === keyword).at(-1) as JSONInstruction | undefined;
  if (!last) return [];
  const strings = last.getJSONStrings();
  if (strings.length === 0) throw new Error(`${keyword} ${last.getArgumentsContent() ?? ''} is not in exec (JSON) form`);
  return strings.map((s) => s.getJSONValue());
}
