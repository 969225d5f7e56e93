// COM1: a 16550-style UART reduced to what guests poll and write. THR writes are collected and
// handed to the output callback in batches (on flush or when the buffer fills); LSR always reports
// the transmitter holding register empty and the transmitter idle, so polling loops never spin.
import type { PortDevice } from "./bus.js";

export const COM1_BASE = 0x3f8;
export const UART_PORTS = 8;
const REG_THR = 0; // transmit holding (DLAB=0), divisor latch low (DLAB=1)
const REG_IER = 1;
const REG_IIR = 2;
const REG_LCR = 3;
const REG_MCR = 4;
const REG_LSR = 5;
const REG_SCR = 7;
const LCR_DLAB = 0x80;
const LSR_THRE = 0x20; // transmitter holding register empty
const LSR_TEMT = 0x40; // transmitter empty (idle)
const IIR_NO_INTERRUPT = 0x01;
const BUFFER_SIZE = 4096;

export class Uart implements PortDevice {
  private readonly regs = new Uint8Array(UART_PORTS);
  private readonly buf = new Uint8Array(BUFFER_SIZE);
  private used = 0;

  constructor(
    private readonly base: number,
    private readonly output: (bytes: Uint8Array) => void,
  ) {}

  in(port: number): number {
    const reg = port - this.base;
    switch (reg) {
      case REG_LSR: return LSR_THRE | LSR_TEMT;
      case REG_IIR: return IIR_NO_INTERRUPT;
      case REG_THR: return (this.regs[REG_LCR]! & LCR_DLAB) !== 0 ? this.regs[REG_THR]! : 0;
      default: return this.regs[reg]!;
    } // prettier-ignore
  }

  out(port: number, _size: number, value: number): void {
    const reg = port - this.base;
    if (reg === REG_THR && (this.regs[REG_LCR]! & LCR_DLAB) === 0) {
      this.buf[this.used++] = value & 0xff;
      if (this.used === BUFFER_SIZE) this.flush();
      return;
    }
    if (
      reg === REG_IER ||
      reg === REG_LCR ||
      reg === REG_MCR ||
      reg === REG_SCR ||
      reg === REG_THR
    ) {
      this.regs[reg] = value & 0xff;
    }
  }

  flush(): void {
    if (this.used === 0) return;
    this.output(this.buf.slice(0, this.used));
    this.used = 0;
  }
}
