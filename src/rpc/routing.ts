/**
 * Routing of incoming CALLs to handlers. The decorators (`@on`, `@after`) and the function form
 * (`chargePoint.route(...)`, `chargePoint.routeAfter(...)`) fill the same per-instance table: a
 * decorator only registers a step that runs as each instance is built (through `context.addInitializer`
 * for standard decorators, through a list on the prototype for `experimentalDecorators`).
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
    applyPendingRoutes(target);
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

/**
 * The part of a property descriptor a legacy (`experimentalDecorators`) method decorator reads. Not the
 * lib's `TypedPropertyDescriptor`: its `set` makes it invariant in the method type, so a handler with a
 * precise payload type would not fit.
 */
export interface MethodDescriptor<This> {
  readonly value?: Method<This>;
}

/**
 * `@on(...)` / `@after(...)`: one function that TypeScript accepts in both decorator modes. Standard
 * (TC39) decorators call it with the method and a context; `experimentalDecorators` (NestJS, TypeORM,
 * ...) with the prototype, the method name and its descriptor. Both end in the same per-instance table.
 */
export interface MethodDecorator {
  <This extends object>(method: Method<This>, context: MethodContext<This>): void;
  <This extends object>(prototype: This, name: string | symbol, descriptor: MethodDescriptor<This>): void;
}

/** A legacy decorator's registration, kept on the prototype until an instance is built. */
type PendingRoute = (instance: object) => void;

/** Symbol under which a prototype keeps the routes its legacy-decorated methods register. */
const pendingRoutes: unique symbol = Symbol("ocppkit.pendingRoutes");

interface DecoratedPrototype {
  [pendingRoutes]?: PendingRoute[];
}

/**
 * Fills a new instance's table from the legacy decorators of its class and of the classes it extends,
 * base first, so a subclass's `@on` for the same action wins, as with standard decorators (whose
 * initializers run base class first too). Only own registrations of each prototype count, so a
 * prototype is never applied twice.
 */
function applyPendingRoutes(instance: object): void {
  const chain: PendingRoute[][] = [];
  for (let proto = Object.getPrototypeOf(instance); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, pendingRoutes)) chain.push((proto as DecoratedPrototype)[pendingRoutes] as PendingRoute[]);
  }
  for (let i = chain.length - 1; i >= 0; i--) for (const apply of chain[i] as PendingRoute[]) apply(instance);
}

function methodDecorator(what: "on" | "after", register: (target: object, handler: Handler) => void): MethodDecorator {
  const wrongTarget = (kind: string, isStatic: boolean) =>
    new TypeError(`@${what} decorates instance methods, not ${isStatic ? "static " : ""}${kind}s`);
  return (first: Method<object> | object, second: MethodContext<object> | string | symbol, descriptor?: MethodDescriptor<object>): void => {
    if (typeof second === "object" && second !== null) {
      // Standard decorators: the initializer runs as each instance is built.
      const context = second;
      const method = first as Method<object>;
      if (context.kind !== "method" || context.static) throw wrongTarget(context.kind, context.static);
      context.addInitializer(function (this: object) {
        register(this, method.bind(this) as Handler);
      });
      return;
    }
    // experimentalDecorators: there is no initializer, so the prototype remembers the method (the
    // function itself, as the standard form binds it: a subclass overriding it undecorated does not
    // change the route), and the instance's table is filled when the instance is built.
    const isStatic = typeof first === "function";
    const method = descriptor?.value;
    if (isStatic || typeof method !== "function") throw wrongTarget(descriptor ? "accessor" : "field", isStatic);
    const prototype = first as DecoratedPrototype;
    if (!Object.hasOwn(prototype, pendingRoutes)) {
      Object.defineProperty(prototype, pendingRoutes, { value: [], enumerable: false });
    }
    (prototype[pendingRoutes] as PendingRoute[]).push((instance) => register(instance, method.bind(instance) as Handler));
  };
}

/**
 * Routes incoming CALLs of `action` to the decorated method. The method gets the request payload
 * (and the message id when `callUniqueIdRequired`), may be async, and returns the response payload:
 * a `callResult.*` instance or a plain object of that shape. Works with standard decorators and with
 * `experimentalDecorators` (with or without `emitDecoratorMetadata`).
 */
export function on(action: string, options: OnOptions = {}): MethodDecorator {
  assertAction(action, "on");
  return methodDecorator("on", (target, handler) => addOnRoute(target, action, handler, options));
}

/** Runs the decorated method after the response to a CALL of `action` has been sent (both decorator modes). */
export function after(action: string, options: AfterOptions = {}): MethodDecorator {
  assertAction(action, "after");
  return methodDecorator("after", (target, handler) => addAfterRoute(target, action, handler, options));
}

/**
 * Calls a routed handler as its options ask: with the payload only, or with the message id as well. A
 * handler that did not ask for the id gets exactly one argument, so a rest-parameter handler sees no id.
 */
export function invokeHandler(route: OnRoute | AfterRoute, payload: unknown, uniqueId: string): unknown {
  return route.withUniqueId ? route.handler(payload as never, uniqueId) : (route.handler as (payload: never) => unknown)(payload as never);
}
