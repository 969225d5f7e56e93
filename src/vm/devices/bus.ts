// The port I/O bus: devices claim port ranges; unclaimed ports read as all ones and ignore writes,
// as on a PC's ISA bus. A write also hands the device the CPU that made it (the trace device reads
// its registers and memory, as a hypervisor does a hypercall's).
import type { Cpu } from "../cpu.js";

export interface PortDevice {
  /** Read `size` bits (8/16/32) from `port`. */
  in(port: number, size: number): number;
  out(port: number, size: number, value: number, cpu?: Cpu): void;
}

const PORT_SPACE = 0x10000;

export class PortBus {
  private readonly map: (PortDevice | undefined)[] = new Array(PORT_SPACE);

  attach(first: number, count: number, dev: PortDevice): void {
    for (let p = first; p < first + count; p++) this.map[p] = dev;
  }

  in(port: number, size: number): number {
    const dev = this.map[port & 0xffff];
    if (dev === undefined) return size === 32 ? 0xffffffff : (1 << size) - 1;
    return dev.in(port & 0xffff, size);
  }

  out(port: number, size: number, value: number, cpu?: Cpu): void {
    this.map[port & 0xffff]?.out(port & 0xffff, size, value, cpu);
  }
}
