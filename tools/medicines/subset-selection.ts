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
    reason: 'molecules commonly dispensed in France, by active substance',
    perEntry: 3,
    // Grouped by field, several to a line, so that the list reads as a formulary.
    // prettier-ignore
    substances: [
      // pain, fever, inflammation
      'paracétamol', 'ibuprofène', 'kétoprofène', 'diclofénac', 'naproxène', 'célécoxib', 'acide acétylsalicylique',
      'néfopam', 'tramadol + paracétamol', 'paracétamol + codéine', 'paracétamol + opium', 'morphine', 'oxycodone',
      'oxycodone + naloxone', 'fentanyl', 'hydromorphone', 'tapentadol', 'buprénorphine', 'buprénorphine + naloxone',
      'méthadone', 'nalbuphine', 'naloxone', 'colchicine', 'allopurinol', 'fébuxostat', 'prednisolone', 'prednisone',
      'méthylprednisolone', 'bétaméthasone', 'dexaméthasone', 'hydrocortisone',
      // infections
      'amoxicilline', 'amoxicilline + acide clavulanique', 'phénoxyméthylpénicilline', 'cloxacilline', 'azithromycine',
      'clarithromycine', 'pristinamycine', 'doxycycline', 'ciprofloxacine', 'lévofloxacine', 'ofloxacine',
      'cefpodoxime', 'céfuroxime', 'ceftriaxone', 'fosfomycine', 'nitrofurantoïne', 'pivmécillinam',
      'sulfaméthoxazole + triméthoprime', 'métronidazole', 'acide fusidique', 'mupirocine', 'rifampicine',
      'aciclovir', 'valaciclovir', 'oseltamivir', 'fluconazole', 'terbinafine', 'éconazole', 'ivermectine',
      'hydroxychloroquine',
      // heart and vessels
      'amlodipine', 'ramipril', 'périndopril', 'énalapril', 'lisinopril', 'bisoprolol', 'nébivolol', 'aténolol',
      'propranolol', 'métoprolol', 'carvédilol', 'valsartan', 'losartan', 'irbésartan', 'candésartan', 'olmésartan',
      'telmisartan', 'hydrochlorothiazide', 'indapamide', 'furosémide', 'spironolactone', 'éplérénone',
      'rilménidine', 'lercanidipine', 'nicardipine', 'diltiazem', 'vérapamil', 'amiodarone', 'digoxine',
      'flécaïnide', 'ivabradine', 'trinitrine', 'isosorbide', 'périndopril + amlodipine', 'périndopril + indapamide',
      'valsartan + hydrochlorothiazide', 'irbésartan + hydrochlorothiazide', 'bisoprolol + hydrochlorothiazide',
      'sacubitril + valsartan', 'atorvastatine', 'rosuvastatine', 'simvastatine', 'pravastatine', 'ézétimibe',
      'ézétimibe + simvastatine', 'fénofibrate',
      // blood
      'apixaban', 'rivaroxaban', 'dabigatran', 'warfarine', 'fluindione', 'acénocoumarol', 'clopidogrel',
      'ticagrélor', 'prasugrel', 'énoxaparine', 'tinzaparine', 'fondaparinux', 'acide tranexamique',
      // diabetes, thyroid, hormones
      'metformine', 'sitagliptine', 'sitagliptine + metformine', 'vildagliptine', 'gliclazide', 'glimépiride',
      'répaglinide', 'dapagliflozine', 'empagliflozine', 'sémaglutide', 'dulaglutide', 'liraglutide', 'tirzépatide',
      'insuline glargine', 'insuline asparte', 'insuline lispro', 'insuline détémir', 'insuline dégludec',
      'insuline glulisine', 'insuline humaine', 'lévothyroxine', 'thiamazole', 'carbimazole', 'estradiol',
      'progestérone', 'dydrogestérone', 'lévonorgestrel', 'lévonorgestrel + éthinylestradiol', 'désogestrel',
      'ulipristal', 'testostérone',
      // digestion
      'oméprazole', 'ésoméprazole', 'pantoprazole', 'lansoprazole', 'rabéprazole', 'dompéridone', 'métoclopramide',
      'ondansétron', 'phloroglucinol', 'trimébutine', 'lopéramide', 'racécadotril', 'diosmectite', 'macrogol 4000',
      'lactulose', 'mésalazine', 'acide ursodésoxycholique',
      // lungs and allergy
      'salbutamol', 'terbutaline', 'budésonide', 'fluticasone', 'béclométasone', 'budésonide + formotérol',
      'fluticasone + salmétérol', 'béclométasone + formotérol', 'tiotropium', 'ipratropium', 'montélukast',
      'cétirizine', 'lévocétirizine', 'desloratadine', 'loratadine', 'bilastine', 'ébastine', 'fexofénadine',
      'hydroxyzine', 'dexchlorphéniramine', 'prométhazine',
      // nervous system
      'sertraline', 'escitalopram', 'citalopram', 'paroxétine', 'fluoxétine', 'venlafaxine', 'duloxétine',
      'mirtazapine', 'amitriptyline', 'clomipramine', 'agomélatine', 'vortioxétine', 'miansérine', 'tianeptine',
      'alprazolam', 'bromazépam', 'diazépam', 'clonazépam', 'lorazépam', 'oxazépam', 'prazépam', 'clorazépate',
      'lormétazépam', 'zolpidem', 'zopiclone', 'quétiapine', 'olanzapine', 'rispéridone', 'aripiprazole',
      'halopéridol', 'cyamémazine', 'loxapine', 'clozapine', 'lithium', 'valproate de sodium', 'lamotrigine',
      'lévétiracétam', 'carbamazépine', 'oxcarbazépine', 'topiramate', 'prégabaline', 'gabapentine',
      'méthylphénidate', 'modafinil', 'donépézil', 'mémantine', 'rivastigmine', 'lévodopa + carbidopa',
      'lévodopa + bensérazide', 'ropinirole', 'pramipexole', 'baclofène', 'naltrexone', 'acamprosate',
      'varénicline', 'nicotine', 'sumatriptan', 'zolmitriptan', 'midazolam', 'kétamine',
      // kidneys, bladder, prostate
      'tamsulosine', 'alfuzosine', 'silodosine', 'finastéride', 'dutastéride', 'solifénacine', 'oxybutynine',
      'sildénafil', 'tadalafil',
      // bones, vitamins, minerals
      'colécalciférol', 'carbonate de calcium + colécalciférol', 'acide alendronique', 'acide risédronique',
      'sulfate ferreux', 'acide folique', 'cyanocobalamine', 'chlorure de potassium',
      // skin, eyes
      'isotrétinoïne', 'clobétasol', 'adapalène', 'peroxyde de benzoyle', 'latanoprost', 'timolol', 'tobramycine',
      // immune system and cancer, in community pharmacies
      'méthotrexate', 'tamoxifène', 'anastrozole', 'létrozole', 'adalimumab', 'étanercept',
    ],
  },
  {
    reason: 'brands prescribed by name more than by molecule',
    perEntry: 2,
    // prettier-ignore
    brands: [
      'DOLIPRANE', 'EFFERALGAN', 'DAFALGAN', 'SPASFON', 'GAVISCON', 'SMECTA', 'FORLAX', 'LEVOTHYROX', 'KARDEGIC',
      'VENTOLINE', 'SERETIDE', 'SYMBICORT', 'AERIUS', 'XANAX', 'LEXOMIL', 'STILNOX', 'IMOVANE', 'SEROPLEX', 'DEROXAT',
      'LYRICA', 'OZEMPIC', 'TRULICITY', 'VICTOZA', 'LANTUS', 'NOVORAPID', 'HUMALOG', 'ELIQUIS', 'XARELTO', 'PLAVIX',
      'COVERSYL', 'TAHOR', 'CRESTOR', 'AUGMENTIN', 'CLAMOXYL', 'INEXIUM', 'MOPRAL', 'TOPALGIC', 'IXPRIM', 'LAMALINE',
      'SKENAN', 'ACTISKENAN', 'OXYCONTIN', 'OXYNORM', 'DUROGESIC', 'SUBUTEX', 'RITALINE', 'CONCERTA', 'UVEDOSE',
      'ZYMAD', 'SOLUPRED', 'CELESTENE', 'ADVIL', 'NUROFEN', 'ASPEGIC', 'ORELOX', 'PYOSTACINE', 'ROACCUTANE',
    ],
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
