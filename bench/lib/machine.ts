/** What a bench result was measured on: numbers from a busy machine are only comparable side by side. */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the section started and ended: above the core count, figures are noisy. */
  loadStart: number;
  loadEnd?: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    loadStart: Math.round(loadavg()[0] * 100) / 100,
  };
}

export function currentLoad(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}
