// The medicines bundled in data/bdpm, as reasons and what answers them. `ordo medicines subset`
// reads this to cut the subset from a full BDPM copy; change it here, then regenerate.
import { DEFAULT_NARCOTICS, DEFAULT_WATCH_LIST } from '../../apps/fraud/src/config/medicine-lists';
import { SubsetGroup } from './medicine-subset';

export const SUBSET_GROUPS: readonly SubsetGroup[] = [
  {
    reason: 'packs the README example, the tests, the benchmarks and the simulator prescribe',
    cip13: [
      '3400935955838', // DOLIPRANE 1000 mg, 8 tablets: deploy/examples, test/support/fixtures, bench/prescribing/fixtures
      '3400933323523', // SKENAN L.P. 10 mg, 14 capsules: narcotic in the e2e tests and the simulator
      '3400930168912', // RUBRACA 200 mg: a price over 1,000 € (test/medicines)
      '3400930118801', // METFORMINE BIOGARAN 1000 mg: simulator
      '3400930183052', // ATORVASTATINE BIOGARAN 20 mg: simulator
      '3400930127209', // TRAMADOL BIOGARAN 50 mg: simulator (watch-list)
      '3400936388840', // ZOLPIDEM ARROW 10 mg: simulator (watch-list)
      '3400936429116', // ALPRAZOLAM BIOGARAN 0,25 mg: simulator (watch-list)
      '3400930032916', // PREGABALINE BIOGARAN 75 mg: simulator (watch-list)
      '3400930068571', // OXYCODONE ARROW 10 mg: simulator (narcotic)
      '3400930151075', // OZEMPIC 0,25 mg: simulator (diabetes, watch-list)
      '3400930040072', // ABASAGLAR 100 unités/ml: simulator (diabetes)
    ],
  },
  {
    reason: 'medicines the tests name by CIS, with the conditions their rules read',
    cis: [
      '60234100', // DOLIPRANE 1000 mg: no condition
      '61227030', // SKENAN L.P. 10 mg: stupéfiants, 28 days, quantities in words
      '69357912', // CABAZITAXEL ACCORD: réservé à l'usage HOSPITALIER (test/prescribing)
      '60151544', // AMOXICILLINE ALMUS 1 g: liste I (test/prescribing, dispensing rules)
      '60261656', // RUBRACA 200 mg (test/medicines)
      '65409532', // DUROGESIC 100 µg/h: narcotic dispensed in 14-day fractions (libs/medicines)
      '61144346', // METHADONE AP-HP: narcotic limited to 2 weeks (libs/medicines)
      '62484259', // TRAMADOL ARROW 50 mg: liste I, quantities in words, 12 weeks (libs/medicines)
      '63096099', // LYRICA 75 mg: ordonnance sécurisée (libs/medicines)
      '63179285', // STILNOX 10 mg: 4 weeks (libs/medicines)
      '60004277', // FENOFIBRATE TEVA 100 mg: liste II (libs/medicines, libs/identifiers)
      '63602251', // FENTANYL ARROW 400 µg: authorisation abrogée (libs/medicines)
      '62469549', // ACTISKENAN 1 mg (libs/medicines)
      '68437608', // CARMIN D’INDIGO PROVINGO: the U+0092 apostrophe the parser repairs (libs/medicines)
      '60002283', // ANASTROZOLE ACCORD 1 mg (libs/identifiers)
      '60003620', // BECLOSPIN 800 µg/2 ml (libs/identifiers)
      '60004487', // TRAMADOL EG L.P. 200 mg (libs/identifiers)
    ],
  },
  {
    reason: "the medicines of libs/medicines' sample lines, so the subset keeps the source's quirks (`\\r\\r`, `¿`, thousands commas)",
    cis: ['60339717', '60460398', '62570612', '66371262', '67105161', '69847791'],
  },
  {
    reason: "fraud's narcotics list (apps/fraud/src/config/medicine-lists.ts)",
    fraudNames: DEFAULT_NARCOTICS,
    perEntry: 2,
  },
  {
    reason: "fraud's watch-list (apps/fraud/src/config/medicine-lists.ts)",
    fraudNames: DEFAULT_WATCH_LIST,
    perEntry: 2,
  },
  {
    reason: 'generics of a few common molecules: one molecule from several holders, each with several packs',
    perEntry: 3,
    substances: ['paracétamol', 'amoxicilline', 'metformine', 'atorvastatine', 'oméprazole'],
  },
  {
    reason:
      'one medicine for each condition of prescription and dispensing (CIS_CPD text) the medicines above lack, so every ' +
      'rule the conditions feed (stupéfiants, liste I and II, réserve hospitalière, ordonnance sécurisée…) has real data',
    everyConditionText: true,
  },
  {
    reason: 'packs whose CIS is not in CIS_bdpm (the four files are published on different days), as the importer meets them',
    orphanPacks: true,
  },
];
