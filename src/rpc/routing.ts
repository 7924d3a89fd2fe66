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
  /** A decorated method: called with the instance as `this` (shared by all instances, not bound to each). */
  readonly onInstance: boolean;
}
export interface AfterRoute {
  readonly handler: Handler;
  readonly withUniqueId: boolean;
  readonly onInstance: boolean;
}
/** Never changed once in a table: a new route replaces it, so tables can share their routes. */
export interface Route {
  readonly on?: OnRoute;
  readonly after?: AfterRoute;
}

/** Symbol under which an instance keeps its routes. */
export const routes: unique symbol = Symbol("ocppkit.routes");

interface Routable {
  [routes]?: ReadonlyMap<string, Route>;
}

/*
 * Every instance has its own route table in meaning, but a server builds thousands of instances that
 * register the same handlers in the same order, and a table of a dozen routes costs about 2 KB (a Map
 * and two objects per action): more than the WebSocket itself. So tables are shared copy-on-write:
 * adding a route to a shared table moves the instance to the table "that one plus this route", made
 * once and remembered (keyed by the handler function, weakly, so a table no instance uses is freed).
 * Handlers made per instance (closures) never meet again; after `maxSharedPerStep` different handlers
 * for one step, an instance gets a table of its own, changed in place from then on, as before.
 */
const maxSharedPerStep = 8;
const emptyTable: ReadonlyMap<string, Route> = new Map();
const ownTables = new WeakSet<ReadonlyMap<string, Route>>();
interface Step {
  made: number;
  readonly next: WeakMap<Handler, Map<string, Route>>;
}
const stepsFrom = new WeakMap<ReadonlyMap<string, Route>, Map<string, Step>>();

/** The instance's route table, made on first use. Read-only: routes are added with addOnRoute / addAfterRoute. */
export function routeTable(target: object): ReadonlyMap<string, Route> {
  const routable = target as Routable;
  let table = routable[routes];
  if (!table) {
    table = emptyTable;
    routable[routes] = table;
    applyPendingRoutes(target);
    table = routable[routes];
  }
  return table;
}

function addRoute(target: object, action: string, kind: "on", entry: OnRoute, key: string): void;
function addRoute(target: object, action: string, kind: "after", entry: AfterRoute, key: string): void;
function addRoute(target: object, action: string, kind: "on" | "after", entry: OnRoute | AfterRoute, key: string): void {
  if (typeof entry.handler !== "function") throw new TypeError(`${kind}(${action}) needs a handler function, got ${typeof entry.handler}`);
  const routable = target as Routable;
  const table = routeTable(target);
  const route: Route = { ...table.get(action), [kind]: entry };
  if (ownTables.has(table)) {
    (table as Map<string, Route>).set(action, route);
    return;
  }
  let steps = stepsFrom.get(table);
  if (!steps) {
    steps = new Map();
    stepsFrom.set(table, steps);
  }
  const stepKey = `${kind} ${action} ${key}`;
  let step = steps.get(stepKey);
  if (!step) {
    step = { made: 0, next: new WeakMap() };
    steps.set(stepKey, step);
  }
  let next = step.next.get(entry.handler);
  if (!next) {
    next = new Map(table);
    next.set(action, route);
    if (step.made < maxSharedPerStep) {
      step.made++;
      step.next.set(entry.handler, next);
    } else {
      ownTables.add(next);
    }
  }
  routable[routes] = next;
}

export function addOnRoute(target: object, action: string, handler: Handler, options: OnOptions = {}, onInstance = false): void {
  assertAction(action, "on");
  const skipSchemaValidation = options.skipSchemaValidation === true;
  const withUniqueId = options.callUniqueIdRequired === true;
  const entry = { handler, skipSchemaValidation, withUniqueId, onInstance };
  addRoute(target, action, "on", entry, `${+skipSchemaValidation}${+withUniqueId}${+onInstance}`);
}

export function addAfterRoute(target: object, action: string, handler: Handler, options: AfterOptions = {}, onInstance = false): void {
  assertAction(action, "after");
  const withUniqueId = options.callUniqueIdRequired === true;
  addRoute(target, action, "after", { handler, withUniqueId, onInstance }, `${+withUniqueId}${+onInstance}`);
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

function methodDecorator(what: "on" | "after", register: (target: object, method: Handler) => void): MethodDecorator {
  const wrongTarget = (kind: string, isStatic: boolean) =>
    new TypeError(`@${what} decorates instance methods, not ${isStatic ? "static " : ""}${kind}s`);
  return (first: Method<object> | object, second: MethodContext<object> | string | symbol, descriptor?: MethodDescriptor<object>): void => {
    if (typeof second === "object" && second !== null) {
      // Standard decorators: the initializer runs as each instance is built.
      const context = second;
      const method = first as Method<object>;
      if (context.kind !== "method" || context.static) throw wrongTarget(context.kind, context.static);
      context.addInitializer(function (this: object) {
        register(this, method as Handler);
      });
      return;
    }
    // experimentalDecorators: there is no initializer, so the prototype remembers the method (the
    // function itself, as the standard form keeps it: a subclass overriding it undecorated does not
    // change the route), and the instance's table is filled when the instance is built.
    const isStatic = typeof first === "function";
    const method = descriptor?.value;
    if (isStatic || typeof method !== "function") throw wrongTarget(descriptor ? "accessor" : "field", isStatic);
    const prototype = first as DecoratedPrototype;
    if (!Object.hasOwn(prototype, pendingRoutes)) {
      Object.defineProperty(prototype, pendingRoutes, { value: [], enumerable: false });
    }
    (prototype[pendingRoutes] as PendingRoute[]).push((instance) => register(instance, method as Handler));
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
  return methodDecorator("on", (target, method) => addOnRoute(target, action, method, options, true));
}

/** Runs the decorated method after the response to a CALL of `action` has been sent (both decorator modes). */
export function after(action: string, options: AfterOptions = {}): MethodDecorator {
  assertAction(action, "after");
  return methodDecorator("after", (target, method) => addAfterRoute(target, action, method, options, true));
}

/**
 * Calls a routed handler as its options ask: with the payload only, or with the message id as well. A
 * handler that did not ask for the id gets exactly one argument, so a rest-parameter handler sees no id.
 */
export function invokeHandler(route: OnRoute | AfterRoute, instance: object, payload: unknown, uniqueId: string): unknown {
  // A decorated method gets the instance as `this`, as if bound to it (see OnRoute.onInstance).
  if (route.onInstance) {
    return route.withUniqueId
      ? route.handler.call(instance, payload as never, uniqueId)
      : (route.handler as (payload: never) => unknown).call(instance, payload as never);
  }
  return route.withUniqueId ? route.handler(payload as never, uniqueId) : (route.handler as (payload: never) => unknown)(payload as never);
}
