import readline from "node:readline";

/** Reads a secret from piped stdin, or prompts without echo on a terminal. */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = "";
    for await (const chunk of process.stdin) data += chunk;
    const value = data.split(/\r?\n/)[0] ?? "";
    if (!value) throw new Error("No password on stdin: pipe one in, e.g. `printf '%s\\n' \"$PASSWORD\" | opsdeck user add …`.");
    return value;
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stdout.write(prompt);
  output._writeToOutput = () => {}; // no echo
  const answer = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stdout.write("\n");
  return answer;
}
