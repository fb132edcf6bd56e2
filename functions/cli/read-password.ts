/** The input the CLI reads a password from. */
export type PasswordInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** A password could not be read; said as a usage error. */
export class PasswordInputError extends Error {
  override readonly name = 'PasswordInputError';
}

/** Reads all of `input` and drops one trailing line break (as `echo` or a file leaves it). */
export async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks for a line on a terminal without echoing it. Ctrl-C or Ctrl-D abort. */
function ask(input: PasswordInput, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode?.(true);
    input.resume();
    let typed = '';
    const done = (err?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new PasswordInputError('no password entered'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}

/**
 * The password for `users create`. A password given as a flag lands in the
 * shell history and in every `ps` listing, so the default is to read it:
 * with a prompt (typed twice, not echoed) on a terminal, else everything on
 * standard input (`--password-stdin` asks for that explicitly).
 */
export async function readPassword(input: PasswordInput, output: NodeJS.WritableStream, opts: { fromStdin: boolean }): Promise<string> {
  if (opts.fromStdin || !input.isTTY) {
    const password = await readAll(input);
    if (password === '') throw new PasswordInputError('no password on standard input: pipe it in, e.g. `printf %s "$PASSWORD" | patgate users create …`');
    return password;
  }
  const first = await ask(input, output, 'Password: ');
  const second = await ask(input, output, 'Repeat the password: ');
  if (first !== second) throw new PasswordInputError('the two passwords differ; run the command again');
  return first;
}
