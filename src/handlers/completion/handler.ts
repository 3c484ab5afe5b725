// Generates bash, zsh and fish completion scripts from the registered command tree.
import type { Command } from "commander";
import { usageError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";

interface Node {
  readonly path: string[];
  readonly description: string;
  readonly options: string[];
  readonly children: Node[];
}

// Prints the completion script for `shell`.
export async function completion(
  rt: Runtime,
  args: { shell: string; program: Command },
): Promise<CommandResult> {
  const tree = toNode(args.program, []);
  let script: string;
  if (args.shell === "bash") script = bash(tree);
  else if (args.shell === "zsh") script = zsh(tree);
  else if (args.shell === "fish") script = fish(tree);
  else
    throw usageError(
      `unknown shell "${args.shell}"`,
      "run efs completion bash, efs completion zsh or efs completion fish",
    );
  rt.out.print(script);
  return { data: { shell: args.shell, script } };
}

function toNode(cmd: Command, path: string[]): Node {
  const options = cmd.options.flatMap((o) =>
    [o.long, o.short].filter((f): f is string => Boolean(f)),
  );
  return {
    path,
    description: cmd.description(),
    options: [...options, "--help"],
    children: cmd.commands.map((c) => toNode(c, [...path, c.name()])),
  };
}

function* nodes(n: Node): Generator<Node> {
  yield n;
  for (const c of n.children) yield* nodes(c);
}

function bash(tree: Node): string {
  const cases = [...nodes(tree)]
    .map((n) => {
      const words = [
        ...n.children.map((c) => c.path.at(-1)),
        ...n.options,
        ...(n.path.length ? [] : tree.options),
      ];
      return `    "${n.path.join(" ")}") words="${[...new Set(words)].join(" ")}" ;;`;
    })
    .join("\n");
  return `# efs bash completion (efs completion bash >> ~/.bashrc)
_efs() {
  local cur path="" w i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if [[ -z "$path" ]]; then path="$w"; else path="$path $w"; fi
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _efs efs`;
}

function zsh(tree: Node): string {
  const cases = [...nodes(tree)]
    .map((n) => {
      const items = [
        ...n.children.map((c) => `'${c.path.at(-1)}:${quoteZsh(c.description)}'`),
        ...n.options.map((o) => `'${o}'`),
      ];
      return `    "${n.path.join(" ")}") items=(${items.join(" ")}) ;;`;
    })
    .join("\n");
  return `#compdef efs
# efs zsh completion (efs completion zsh > "\${fpath[1]}/_efs")
_efs() {
  local -a items words_
  local path_="" w
  for w in \${words[2,CURRENT-1]}; do
    [[ "$w" == -* ]] && continue
    path_="\${path_:+$path_ }$w"
  done
  case "$path_" in
${cases}
    *) items=() ;;
  esac
  _describe 'efs' items
}
compdef _efs efs`;
}

function fish(tree: Node): string {
  const lines = [
    "# efs fish completion (efs completion fish > ~/.config/fish/completions/efs.fish)",
    "complete -c efs -f",
  ];
  for (const n of nodes(tree)) {
    const cond =
      n.path.length === 0
        ? "__fish_use_subcommand"
        : `__fish_seen_subcommand_from ${n.path.at(-1)}`;
    for (const c of n.children) {
      lines.push(
        `complete -c efs -n '${cond}' -a ${c.path.at(-1)} -d '${quoteFish(c.description)}'`,
      );
    }
    for (const o of n.options) {
      if (o.startsWith("--")) lines.push(`complete -c efs -n '${cond}' -l ${o.slice(2)}`);
      else lines.push(`complete -c efs -n '${cond}' -s ${o.slice(1)}`);
    }
  }
  return lines.join("\n");
}

function quoteZsh(s: string): string {
  return s.replace(/'/g, "'\\''").replace(/:/g, "\\:");
}

function quoteFish(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
}
