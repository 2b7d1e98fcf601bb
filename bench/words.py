"""Fixed word lists for the synthetic knowledge base, one per language.

Real-looking onboarding vocabulary in each script: Latin (en, ms, ny), Devanagari (ne),
Kazakh Cyrillic (kk, with ә ғ қ ң ө ұ ү һ і) and Lao (lo, written without spaces between
the words of a sentence). The lists never change: the generated site depends on them.
"""

EN = """
the a an and or of to in on for with from by after before every all new first second
account team access data report settings customer workspace user invitation security
review training support integration import export schedule meeting document contract
approval manager system password network server backup company project information step
time day week month date start finish send receive check install connect open close save
delete change add choose organisation office policy details list product service
administrator help correct error result work question answer plan phase task owner
milestone deadline progress status record invoice payment licence key role permission
group folder file upload download sign review test release launch handover feedback
quickly carefully securely usually always never only also then when while because
your our their this that these those is are was will can must should may
""".split()

MS = """
dan atau yang untuk dengan dari oleh selepas sebelum setiap semua baharu pertama kedua
akaun pasukan akses data laporan tetapan pelanggan ruang kerja pengguna jemputan
keselamatan semakan latihan sokongan integrasi import eksport jadual mesyuarat dokumen
kontrak kelulusan pengurus sistem kata laluan rangkaian pelayan sandaran syarikat projek
maklumat langkah masa hari minggu bulan tarikh mula siap hantar terima semak pasang
sambung buka tutup simpan padam ubah tambah pilih organisasi pejabat dasar butiran
senarai produk perkhidmatan pentadbir bantuan betul ralat hasil soalan jawapan pelan
fasa tugas pemilik tarikh akhir kemajuan status rekod invois bayaran lesen kunci peranan
kebenaran kumpulan folder fail muat naik turun tandatangan ujian pelancaran maklum balas
dengan cepat selamat biasanya sentiasa hanya juga kemudian apabila kerana anda kami
mereka ini itu akan boleh perlu mesti sudah belum sedang
""".split()

NE = """
र वा को का की मा लागि सँग बाट पछि अघि प्रत्येक सबै नयाँ पहिलो दोस्रो
खाता टोली पहुँच डाटा प्रतिवेदन सेटिङ ग्राहक कार्यक्षेत्र प्रयोगकर्ता निमन्त्रणा सुरक्षा
समीक्षा तालिम सहयोग एकीकरण आयात निर्यात तालिका बैठक कागजात सम्झौता स्वीकृति
प्रबन्धक प्रणाली पासवर्ड सञ्जाल सर्भर ब्याकअप कम्पनी परियोजना जानकारी चरण समय
दिन हप्ता महिना मिति सुरु पूरा पठाउनुहोस् प्राप्त जाँच स्थापना जडान खोल्नुहोस् बन्द
सुरक्षित मेटाउनुहोस् परिवर्तन थप्नुहोस् छान्नुहोस् संस्था कार्यालय नीति विवरण सूची
उत्पादन सेवा प्रशासक मद्दत सही त्रुटि नतिजा काम प्रश्न उत्तर योजना कार्य जिम्मेवार
प्रगति स्थिति अभिलेख बिल भुक्तानी इजाजतपत्र साँचो भूमिका अनुमति समूह फोल्डर फाइल
अपलोड डाउनलोड हस्ताक्षर परीक्षण प्रतिक्रिया छिटो सावधानीपूर्वक सधैं मात्र पनि त्यसपछि
जब किनभने तपाईं हामी उनीहरू यो त्यो हुन्छ गर्नुहोस् सक्नुहुन्छ पर्छ छ थियो हुनेछ
""".split()

KK = """
және немесе үшін мен бен бойынша кейін дейін әрбір барлық жаңа бірінші екінші
тіркелгі топ қолжетімділік деректер есеп баптаулар тұтынушы жұмыс кеңістігі
пайдаланушы шақыру қауіпсіздік шолу оқыту қолдау біріктіру импорт экспорт кесте
кездесу құжат келісімшарт бекіту менеджер жүйе құпиясөз желі сервер көшірме компания
жоба ақпарат қадам уақыт күн апта ай күні бастау аяқтау жіберу алу тексеру орнату қосу
ашу жабу сақтау жою өзгерту таңдау ұйым кеңсе саясат сипаттама тізім өнім қызмет әкімші
көмек дұрыс қате нәтиже жұмыс сұрақ жауап жоспар кезең тапсырма иесі мерзім барысы
мәртебе жазба шот төлем лицензия кілт рөл рұқсат топтама қалта файл жүктеу қол қою
сынақ іске қосу кері байланыс жылдам мұқият әрдайым тек сондай-ақ содан соң себебі
сіз біз олар бұл сол болады керек мүмкін еді ғимарат ғылыми қаржы мәлімет үйрену ұсыныс
шешім өңдеу айналым үлгі һәм ұйымдастыру
""".split()

LO = """
ແລະ ຫຼື ຂອງ ໃນ ສຳລັບ ກັບ ຈາກ ຫຼັງຈາກ ກ່ອນ ທຸກ ທັງໝົດ ໃໝ່ ທຳອິດ ທີສອງ
ບັນຊີ ທີມ ການເຂົ້າເຖິງ ຂໍ້ມູນ ລາຍງານ ການຕັ້ງຄ່າ ລູກຄ້າ ບ່ອນເຮັດວຽກ ຜູ້ໃຊ້ ຄຳເຊີນ
ຄວາມປອດໄພ ການກວດສອບ ການຝຶກອົບຮົມ ການສະໜັບສະໜູນ ການເຊື່ອມໂຍງ ນຳເຂົ້າ ສົ່ງອອກ
ຕາຕະລາງ ກອງປະຊຸມ ເອກະສານ ສັນຍາ ການອະນຸມັດ ຜູ້ຈັດການ ລະບົບ ລະຫັດຜ່ານ ເຄືອຂ່າຍ
ເຊີບເວີ ສຳຮອງ ບໍລິສັດ ໂຄງການ ຂ່າວສານ ຂັ້ນຕອນ ເວລາ ມື້ ອາທິດ ເດືອນ ວັນທີ ເລີ່ມ
ສຳເລັດ ສົ່ງ ຮັບ ກວດ ຕິດຕັ້ງ ເຊື່ອມຕໍ່ ເປີດ ປິດ ບັນທຶກ ລຶບ ປ່ຽນ ເພີ່ມ ເລືອກ ອົງກອນ
ຫ້ອງການ ນະໂຍບາຍ ລາຍລະອຽດ ລາຍການ ຜະລິດຕະພັນ ບໍລິການ ຜູ້ບໍລິຫານ ຊ່ວຍເຫຼືອ ຖືກຕ້ອງ
ຜິດພາດ ຜົນໄດ້ຮັບ ວຽກ ຄຳຖາມ ຄຳຕອບ ແຜນ ໄລຍະ ໜ້າວຽກ ເຈົ້າຂອງ ກຳນົດເວລາ ຄວາມຄືບໜ້າ
ສະຖານະ ໃບແຈ້ງໜີ້ ການຊຳລະ ໃບອະນຸຍາດ ກະແຈ ບົດບາດ ສິດ ກຸ່ມ ແຟ້ມ ອັບໂຫຼດ ດາວໂຫຼດ
ລົງນາມ ທົດສອບ ຄຳຕິຊົມ ໄວ ລະມັດລະວັງ ສະເໝີ ພຽງແຕ່ ຍັງ ຈາກນັ້ນ ເມື່ອ ເພາະວ່າ ທ່ານ
ພວກເຮົາ ພວກເຂົາ ນີ້ ນັ້ນ ຈະ ສາມາດ ຕ້ອງ ເຮັດ ໃຊ້ ມີ ເປັນ ໄດ້
""".split()

NY = """
ndi kapena wa ya cha za pa kwa ku kuchokera pambuyo asanayambe aliyense onse chatsopano
choyamba chachiwiri akaunti gulu mwayi deta lipoti zokonda kasitomala malo ogwirira
wogwiritsa kuitana chitetezo kuwunika maphunziro thandizo kulumikiza kutumiza kulandira
ndandanda msonkhano chikalata mgwirizano chilolezo woyang'anira dongosolo mawu achinsinsi
netiweki seva zosunga kampani polojekiti zambiri gawo nthawi tsiku sabata mwezi yambani
malizani tumizani landirani onani ikani lumikizani tsegulani tsekani sungani chotsani
sinthani onjezani sankhani bungwe ofesi ndondomeko tsatanetsatane mndandanda katundu
ntchito mtsogoleri thandizani zolondola cholakwika zotsatira funso yankho pulani
udindo mwini tsiku lomaliza kupita patsogolo momwe zilili mbiri invoyisi malipiro layisensi
kiyi chilolezo gulu foda fayilo kwezani tsitsani saini kuyesa ndemanga mwachangu mosamala
nthawi zonse kokha komanso kenako pamene chifukwa inu ife iwo ichi icho adzakhala angathe
ayenera chonde tsopano lero mawa koma ngati
""".split()

WORDS = {"en": EN, "ms": MS, "ne": NE, "kk": KK, "lo": LO, "ny": NY}

# How each language ends a sentence and joins the words of a sentence.
SENTENCE_END = {"en": ".", "ms": ".", "ne": "।", "kk": ".", "lo": "", "ny": "."}
WORD_JOIN = {"en": " ", "ms": " ", "ne": " ", "kk": " ", "lo": "", "ny": " "}

LANGUAGE_NAMES = {
    "en": "English",
    "ms": "Bahasa Melayu",
    "ne": "नेपाली",
    "kk": "Қазақша",
    "lo": "ພາສາລາວ",
    "ny": "Chichewa",
}

DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")

# People and companies for the synthetic customers.
FIRST_NAMES = """
Aisha Lim Wei Siti Farid Nurul Priya Ramesh Sita Bikash Anjali Aigerim Yerlan Madina
Daniyar Aruzhan Souksavanh Khamla Bounmy Noy Chanthala Chikondi Thoko Kondwani Mphatso
Tiyamike Oliver Fiona James Hannah Samuel Eleanor Daniel Grace Tomas Leila
""".split()

LAST_NAMES = """
Rahman Tan Abdullah Hassan Ismail Nair Shrestha Gurung Thapa Adhikari Omarova Abenov
Seitkali Nurpeisova Phommachanh Vongsa Keomany Sisouk Banda Phiri Mwale Chirwa Okafor
Bennett MacLeod Osei Mensah Whitfield Achterberg Novak
""".split()

COMPANY_WORDS = """
Harbour Mekong Steppe Shire Tanjung Lotus Cedar Kestrel Summit Delta River Orchid Baobab
Himal Altai Jade Coral Meridian Northern Eastern Lakeside Valley Highland Golden Silver
""".split()

COMPANY_KINDS = """
Logistics Payments Analytics Bank Freight Health Foods Textiles Energy Insurance Telecom
Software Cooperative Trading Holdings Microfinance Education Travel
""".split()

COMPANY_SUFFIXES = ["Sdn Bhd", "LLP", "Ltd", "Co., Ltd.", "Pvt. Ltd.", "JSC", "plc", "Inc."]

TIMEZONES = [
    "Asia/Kuala_Lumpur",
    "Asia/Kathmandu",
    "Asia/Almaty",
    "Asia/Vientiane",
    "Africa/Blantyre",
    "Europe/London",
    "Asia/Singapore",
    "Africa/Nairobi",
]
