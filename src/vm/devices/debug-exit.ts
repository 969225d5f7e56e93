// QEMU's isa-debug-exit device: a write of v to its port ends the run with exit status (v<<1)|1.
import type { PortDevice } from "./bus.js";

export const DEBUG_EXIT_PORT = 0xf4;

export class DebugExit implements PortDevice {
  constructor(private readonly onExit: (status: number) => void) {}

  in(): number {
    return 0xff;
  }

  out(_port: number, size: number, value: number): void {
    const v = size === 32 ? value >>> 0 : value & ((1 << size) - 1);
    this.onExit(v * 2 + 1);
  }
}
