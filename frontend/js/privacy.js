// The privacy notice (UU 27/2022): what personal data is collected, why, for how long, and who sees it.

import { addMessages, applyTranslations } from "./i18n.js";

addMessages({
  id: {
    "privacy.title": "Pemberitahuan privasi — Satu Pintu",
    "privacy.heading": "Pemberitahuan privasi",
    "privacy.intro": "Pemberitahuan ini menjelaskan data pribadi apa yang kami kumpulkan lewat Satu Pintu, untuk apa, berapa lama disimpan dan siapa yang dapat melihatnya, sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.",
    "privacy.what_heading": "Data apa yang kami kumpulkan",
    "privacy.what_1": "Saat Anda mengajukan permohonan: NIK, nama lengkap, alamat e-mail, nomor telepon seluler, isian permohonan dan dokumen persyaratan yang Anda unggah.",
    "privacy.what_2": "Saat Anda bertanya lewat konsultasi daring: nama, alamat e-mail dan pertanyaan Anda.",
    "privacy.why_heading": "Untuk apa data itu dipakai",
    "privacy.why_1": "Hanya untuk memeriksa dan memutuskan permohonan Anda, menerbitkan dokumen izin, dan memberi tahu Anda setiap perubahan status lewat e-mail. Dasarnya adalah pelaksanaan tugas pelayanan publik oleh Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu.",
    "privacy.why_2": "Data Anda tidak dijual, tidak dipakai untuk iklan, dan tidak pernah tampil di statistik publik: statistik hanya berisi jumlah.",
    "privacy.how_long_heading": "Berapa lama data disimpan",
    "privacy.how_long_1": "Berkas yang Anda unggah tetapi tidak jadi dikirim dihapus otomatis dalam 1 hari.",
    "privacy.how_long_2": "Permohonan yang sudah diputus beserta dokumennya disimpan 5 tahun setelah keputusan, atau 5 tahun setelah masa berlaku izin berakhir bila lebih lama; permohonan yang dikembalikan dan tidak dilengkapi, 1 tahun. Pemesanan kunjungan disimpan 30 hari setelah tanggal kunjungan (7 hari bila kunjungan ditolak karena suhu tubuh), pertanyaan konsultasi 1 tahun. Setelah itu data dihapus otomatis.",
    "privacy.who_heading": "Siapa yang dapat melihatnya",
    "privacy.who_1": "Petugas Dinas yang menangani permohonan Anda, setelah masuk dengan akun petugas. Setiap keputusan tercatat atas nama petugasnya.",
    "privacy.who_2": "Anda sendiri, dengan nomor permohonan dan kode akses yang hanya diberikan kepada Anda.",
    "privacy.rights_heading": "Hak Anda",
    "privacy.rights_1": "Anda berhak mengetahui, melihat, memperbaiki dan meminta penghapusan data pribadi Anda. Sampaikan permintaan lewat e-mail konsultasi atau Tanya PTSP 1500164 (Senin–Jumat, 07:30–16:00 WIB).",
  },
  en: {
    "privacy.title": "Privacy notice — Satu Pintu",
    "privacy.heading": "Privacy notice",
    "privacy.intro": "This notice explains what personal data Satu Pintu collects, why, how long it is kept and who can see it, as Law No. 27 of 2022 on Personal Data Protection requires.",
    "privacy.what_heading": "What personal data we collect",
    "privacy.what_1": "When you apply: your NIK, full name, e-mail address, mobile number, the answers on the form and the documents you upload.",
    "privacy.what_2": "When you ask a question through online consultation: your name, e-mail address and question.",
    "privacy.why_heading": "Why we use it",
    "privacy.why_1": "Only to review and decide your application, issue the permit, and e-mail you each change of status. The basis is the public service task of the Investment and One-Stop Integrated Service Office.",
    "privacy.why_2": "Your data is never sold, never used for advertising, and never shown in the public statistics, which hold counts only.",
    "privacy.how_long_heading": "How long it is kept",
    "privacy.how_long_1": "Files you upload but never send are deleted automatically within a day.",
    "privacy.how_long_2": "A decided application and its documents are kept 5 years after the decision, or 5 years after the permit's last valid day when that is later; a returned application never completed, 1 year. A booking is kept 30 days after the visit day (7 days when the visit was refused for a temperature), a consultation question 1 year. Then the data is deleted automatically.",
    "privacy.who_heading": "Who can see it",
    "privacy.who_1": "Only the office's officers who handle your application, signed in with an officer account. Each decision is recorded under the officer's name.",
    "privacy.who_2": "You, with the tracking number and the access code given only to you.",
    "privacy.rights_heading": "Your rights",
    "privacy.rights_1": "You may ask to know, see, correct or delete your personal data. Ask through the consultation e-mail or the Tanya PTSP call centre 1500164 (Monday–Friday, 07:30–16:00 WIB).",
  },
});
applyTranslations();
