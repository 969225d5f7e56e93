// Exception vectors, the sentinel that aborts an instruction when it faults, and the record of
// each fault kept for the triple-fault report. A guest fault never leaves the VM as a JS exception:
// the run loop catches the sentinel and delivers the exception through the IDT (./sys/idt.ts).

/** Exception vectors (SDM 6.3.1, table 6-1). */
export const VEC_DE = 0;
export const VEC_DB = 1;
export const VEC_NMI = 2;
export const VEC_BP = 3;
export const VEC_OF = 4;
export const VEC_UD = 6;
export const VEC_NM = 7;
export const VEC_DF = 8;
export const VEC_TS = 10;
export const VEC_NP = 11;
export const VEC_SS = 12;
export const VEC_GP = 13;
export const VEC_PF = 14;
export const VEC_AC = 17;

export const VECTOR_NAMES: Readonly<Record<number, string>> = {
  0: "#DE", 1: "#DB", 2: "NMI", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 7: "#NM", 8: "#DF",
  10: "#TS", 11: "#NP", 12: "#SS", 13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC", 18: "#MC",
}; // prettier-ignore

/** Vectors that push an error code (SDM 6.13, table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}

/** SDM 6.15, table 6-4: exception classes for the double-fault rules. */
export function isContributory(vector: number): boolean {
  return vector === VEC_DE || (vector >= VEC_TS && vector <= VEC_GP);
}

/** Thrown (one preallocated instance) to abort the current instruction; caught by the run loop. */
export class GuestFaultSignal {
  readonly guestFault = true;
}
export const FAULT = new GuestFaultSignal();

/** One link of the fault chain in a run report. */
export interface FaultRecord {
  vector: number;
  name: string;
  errorCode: number | undefined;
  rip: string;
  rsp: string;
  cr2: string;
  cr3: string;
}
