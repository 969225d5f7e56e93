// The entrylab command line. Each subcommand lives in its own file; this one wires them up.
console.log("entrylab");
