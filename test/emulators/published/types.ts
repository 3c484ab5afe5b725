// What the emulations ask of a provider's published description, whatever its format.

/** One request as the emulation received it. */
export interface RequestInput {
  // Path parameters by the description's names.
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  // Parsed JSON body; undefined when the request had none.
  readonly body: unknown;
}

/** The checks of one documented operation; each returns the problems found (none: valid). */
export interface OperationCheck {
  // "METHOD /path" as the description writes it.
  readonly id: string;
  // The description's names of the path parameters, in order.
  readonly pathParams: readonly string[];
  request(input: RequestInput): string[];
  // `body` is the parsed JSON body, or undefined when the response had none.
  response(status: number, body: unknown): string[];
}

/** A provider's published description. */
export interface Description {
  readonly name: string;
  operation(method: string, template: string): OperationCheck | undefined;
}
