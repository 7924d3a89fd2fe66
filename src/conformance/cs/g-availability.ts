/** Block G, Availability (part 6 section 2.8): the TC_G_*_CS cases without a transaction, steps numbered as there. */
import type { CsCase } from "../case.js";
import {
  type AvailabilityTarget,
  availabilityRequest,
  booted,
  changeAvailability,
  csCase,
  evConnectedPreSession,
  evDisconnected,
  expectAllConnectors,
  unavailable,
} from "./states.js";

const names: Record<AvailabilityTarget, string> = { station: "Charging Station", evse: "EVSE", connector: "Connector" };
const useCase = (target: AvailabilityTarget) => (target === "station" ? "G04" : "G03");

/** Not part 6: a case that leaves something Inoperative makes it Operative again for the next case. */
const restore = (t: Parameters<CsCase["run"]>[0], target: AvailabilityTarget) =>
  changeAvailability(t, "Operative", target, ["after", "after"]);

function availabilityCases(target: AvailabilityTarget, ids: [string, string, string, string]): CsCase[] {
  const [toInoperative, toOperative, operativeAgain, inoperativeAgain] = ids;
  return [
    csCase({
      id: toInoperative,
      name: `Change Availability ${names[target]} - Operative to inoperative`,
      useCases: [useCase(target)],
      async run(t) {
        await unavailable(t, target);
        await restore(t, target);
      },
    }),
    csCase({
      id: toOperative,
      name: `Change Availability ${names[target]} - Inoperative to operative`,
      useCases: [useCase(target)],
      async run(t) {
        await unavailable(t, target);
        await changeAvailability(t, "Operative", target);
      },
    }),
    csCase({
      id: operativeAgain,
      name: `Change Availability ${names[target]} - Operative to operative`,
      useCases: [useCase(target)],
      async run(t) {
        const response = await t.send(1, "ChangeAvailability", availabilityRequest(t, "Operative", target));
        t.expect(2, "ChangeAvailabilityResponse status", response.status, "Accepted");
      },
    }),
    csCase({
      id: inoperativeAgain,
      name: `Change Availability ${names[target]} - Inoperative to inoperative`,
      useCases: [useCase(target)],
      async run(t) {
        await unavailable(t, target);
        const since = t.mark();
        const response = await t.send(1, "ChangeAvailability", availabilityRequest(t, "Inoperative", target));
        t.expect(2, "ChangeAvailabilityResponse status", response.status, "Accepted");
        // TC_G_13 (the whole station): every connector reports its state again, Unavailable.
        if (target === "station") await expectAllConnectors(t, 3, since, () => "Unavailable");
        await restore(t, target);
      },
    }),
  ];
}

function persistsCase(id: string, target: AvailabilityTarget): CsCase {
  return csCase({
    id,
    name: `Change Availability ${names[target]} - state persists across reboot`,
    useCases: [useCase(target)],
    async run(t) {
      await unavailable(t, target);
      const affected = (evse: number) => target === "station" || evse === t.evseId;
      await booted(t, (evse) => (affected(evse) ? "Unavailable" : "Available"));
      await restore(t, target);
    },
  });
}

export const availabilityCsCases: CsCase[] = [
  csCase({
    id: "TC_G_01_CS",
    name: "Connector status Notification - Available to Occupied",
    useCases: ["G01", "N07"],
    async run(t) {
      await evConnectedPreSession(t);
      // Not part 6: the EV is disconnected again for the next case.
      await evDisconnected(t, "after");
    },
  }),
  csCase({
    id: "TC_G_02_CS",
    name: "Connector status Notification - Occupied to Available",
    useCases: ["G01", "N07"],
    async run(t) {
      await evConnectedPreSession(t);
      await evDisconnected(t, 3);
    },
  }),
  ...availabilityCases("evse", ["TC_G_03_CS", "TC_G_04_CS", "TC_G_09_CS", "TC_G_10_CS"]),
  ...availabilityCases("station", ["TC_G_05_CS", "TC_G_06_CS", "TC_G_12_CS", "TC_G_13_CS"]),
  ...availabilityCases("connector", ["TC_G_07_CS", "TC_G_08_CS", "TC_G_15_CS", "TC_G_16_CS"]),
  persistsCase("TC_G_18_CS", "evse"),
  persistsCase("TC_G_19_CS", "connector"),
  persistsCase("TC_G_21_CS", "station"),
];
