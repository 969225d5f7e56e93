// debug: `entrylab debug`'s engine — a gdb-flavoured debugger over a Machine that steps kernel
// entry code one instruction boundary at a time and shows registers, the pushed frame, the stack
// region, CR3/PCID, GS bases, the TSS, the TLB and both page tables of a PTI pair. Platform-
// neutral (no I/O): it takes command lines and returns text. Imports vm, trace, obj, isa.
export { Debugger, CATCH_KINDS, CONTINUE_LIMIT, type CatchKind } from "./debugger.js";
export { DebugEvents, type DebugTarget, type DebugTask, type PgdPair } from "./target.js";
export { HELP } from "./help.js";
