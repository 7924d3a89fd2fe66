/**
 * Routing of incoming CALLs to handlers. The decorators (`@on`, `@after`) and the function form
 * (`chargePoint.route(...)`, `chargePoint.routeAfter(...)`) fill the same per-instance table: a
 * decorator only registers, through `context.addInitializer`, a step that runs as each instance is built.
 */

/** Options of `@on` / `route`. */
export interface OnOptions {
  /** Neither the request nor the handler's response is checked against the schema. */
  readonly skipSchemaValidation?: boolean;
  /** The handler gets the CALL's message id as its second argument. */
  readonly callUniqueIdRequired?: boolean;
}

/** Options of `@after` / `routeAfter`. */
export interface AfterOptions {
  readonly callUniqueIdRequired?: boolean;
}

/**
 * A handler as the router calls it: the request payload, and the message id when asked for. Declared
 * with `never` so a handler may type its payload as the exact request type of its action.
 */
export type Handler = (payload: never, uniqueId: string) => unknown;

export interface OnRoute {
  readonly handler: Handler;
  readonly skipSchemaValidation: boolean;
  readonly withUniqueId: boolean;
}
export interface AfterRoute {
  readonly handler: Handler;
  readonly withUniqueId: boolean;
}
export interface Route {
  on?: OnRoute;
  after?: AfterRoute;
}

/** Symbol under which an instance keeps its routes. */
export const routes: unique symbol = Symbol("ocppkit.routes");

interface Routable {
  [routes]?: Map<string, Route>;
}

/** The instance's route table, made on first use. */
export function routeTable(target: object): Map<string, Route> {
  const routable = target as Routable;
  let table = routable[routes];
  if (!table) {
    table = new Map();
    routable[routes] = table;
  }
  return table;
}

export function addOnRoute(target: object, action: string, handler: Handler, options: OnOptions = {}): void {
  assertAction(action, "on");
  const table = routeTable(target);
  const route = table.get(action) ?? {};
  route.on = { handler, skipSchemaValidation: options.skipSchemaValidation === true, withUniqueId: options.callUniqueIdRequired === true };
  table.set(action, route);
}

export function addAfterRoute(target: object, action: string, handler: Handler, options: AfterOptions = {}): void {
  assertAction(action, "after");
  const table = routeTable(target);
  const route = table.get(action) ?? {};
  route.after = { handler, withUniqueId: options.callUniqueIdRequired === true };
  table.set(action, route);
}

function assertAction(action: unknown, what: string): void {
  if (typeof action !== "string" || action === "") throw new TypeError(`${what}(action) needs an action name, got ${String(action)}`);
}

type Method<This> = (this: This, payload: never, uniqueId: string) => unknown;
/**
 * The part of a standard decorator context that `@on` / `@after` use. Declared here rather than taken
 * from the lib's `ClassMethodDecoratorContext`, whose default method type would put `any` into the
 * public types; the real context fits it. `kind` is a string so applying the decorator to a field
 * from plain JavaScript is still caught at run time.
 */
export interface MethodContext<This> {
  readonly kind: string;
  readonly static: boolean;
  readonly name: string | symbol;
  addInitializer(initializer: (this: This) => void): void;
}

function methodDecorator<This extends object>(
  what: "on" | "after",
  register: (target: This, handler: Handler) => void,
): (method: Method<This>, context: MethodContext<This>) => void {
  return (method, context) => {
    if (context.kind !== "method" || context.static) {
      throw new TypeError(`@${what} decorates instance methods, not ${context.static ? "static " : ""}${context.kind}s`);
    }
    context.addInitializer(function (this: This) {
      register(this, method.bind(this) as Handler);
    });
  };
}

/**
 * Routes incoming CALLs of `action` to the decorated method. The method gets the request payload
 * (and the message id when `callUniqueIdRequired`), may be async, and returns the response payload:
 * a `callResult.*` instance or a plain object of that shape.
 */
export function on<This extends object>(action: string, options: OnOptions = {}) {
  assertAction(action, "on");
  return methodDecorator<This>("on", (target, handler) => addOnRoute(target, action, handler, options));
}

/** Runs the decorated method after the response to a CALL of `action` has been sent. */
export function after<This extends object>(action: string, options: AfterOptions = {}) {
  assertAction(action, "after");
  return methodDecorator<This>("after", (target, handler) => addAfterRoute(target, action, handler, options));
}

/**
 * Calls a routed handler as its options ask: with the payload only, or with the message id as well. A
 * handler that did not ask for the id gets exactly one argument, so a rest-parameter handler sees no id.
 */
export function invokeHandler(route: OnRoute | AfterRoute, payload: unknown, uniqueId: string): unknown {
  return route.withUniqueId ? route.handler(payload as never, uniqueId) : (route.handler as (payload: never) => unknown)(payload as never);
}
