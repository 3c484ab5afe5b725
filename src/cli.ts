import { Command } from "commander";

const program = new Command("efs")
  .description("Provision and operate the Ethereal Flame Studio stack")
  .version("0.1.0");

await program.parseAsync(process.argv);
