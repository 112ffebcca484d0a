// The one error a person is meant to read: thrown from any layer (actions,
// search, catalog, layouts) with a plain one-line message and what kind of
// failure it is. Only cli.ts turns the kind into an exit code; the manager
// shows the message in its status bar or a box.

/** `bad-input`: what was asked cannot be (unknown id, bad option, a damaged file given); `failed`: it could not be done. */
export type FailureKind = 'bad-input' | 'failed';

export class UserError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind = 'failed',
  ) {
    super(message);
    this.name = 'UserError';
  }
}
