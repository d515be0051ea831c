/**
 * The `epochlab` command. A thin front door: it reads files and flags, calls the same services as the
 * desktop app, and prints. Exit codes: 0 ok, 2 invalid input, 1 failure. One file per command in commands/.
 */
import { Command, CommanderError } from 'commander';
import { ApiError } from '../contract';
import { registerAnalysis } from './commands/analysis';
import { registerDatasets } from './commands/datasets';
import { registerExport } from './commands/export';
import { registerExtend } from './commands/extend';
import { registerImportance } from './commands/importance';
import { registerInfo } from './commands/info';
import { registerLs } from './commands/ls';
import { registerNote } from './commands/note';
import { registerPreview } from './commands/preview';
import { registerReport } from './commands/report';
import { registerResume } from './commands/resume';
import { registerRun } from './commands/run';
import { registerServe } from './commands/serve';
import { registerShow } from './commands/show';
import { registerWorker } from './commands/worker';
import { registerWorkers } from './commands/workers';
import { registerTag } from './commands/tag';
import { CliError } from './errors';
import type { CommandContext, GlobalOptions } from './shared';

/** In the order `epochlab --help` lists them. */
const COMMANDS: Array<(context: CommandContext) => void> = [
  registerRun, registerPreview, registerLs, registerShow, registerTag, registerNote, registerAnalysis, registerExport, registerReport, registerResume,
  registerExtend,
  registerImportance, registerInfo, registerDatasets, registerServe, registerWorker, registerWorkers,
];

export function buildProgram(): Command {
  const program = new Command('epochlab')
    .description('Epochlab: train hyperparameter grids and compare epochs, batch sizes and iterations — offline.')
    .option('--data-dir <dir>', 'data folder (default: the per-user Epochlab folder, or $EPOCHLAB_DATA_DIR)')
    .showHelpAfterError()
    .exitOverride();
  const context: CommandContext = { program, globals: () => program.opts<GlobalOptions>() };
  for (const register of COMMANDS) register(context);
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`epochlab: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ApiError) {
      const details = error.issues.map((i) => `  ${i.path.replace(/^spec\./, '')}: ${i.message}`);
      process.stderr.write(details.length ? `epochlab: invalid input:\n${details.join('\n')}\n` : `epochlab: ${error.message}\n`);
      return error.code === 'invalid' ? 2 : 1;
    }
    process.stderr.write(`epochlab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
