// The page for an address the site does not have: says so in both languages and offers a way back.

import { addMessages, applyTranslations } from "./i18n.js";

addMessages({
  id: {
    "notfound.title": "Halaman tidak ditemukan — Satu Pintu",
    "notfound.heading": "Halaman tidak ditemukan",
    "notfound.text":
      "Alamat yang Anda buka tidak ada di situs ini. Mungkin alamatnya salah ketik, atau halamannya sudah dipindahkan.",
    "notfound.check": "Bila Anda mengetik alamatnya, periksa kembali ejaannya.",
    "notfound.home": "Cari layanan di beranda",
    "notfound.track": "Lacak permohonan Anda",
    "notfound.consult": "Tanya petugas lewat konsultasi daring",
  },
  en: {
    "notfound.title": "Page not found — Satu Pintu",
    "notfound.heading": "Page not found",
    "notfound.text": "The address you opened is not on this site. It may be mistyped, or the page may have moved.",
    "notfound.check": "If you typed the address, check the spelling.",
    "notfound.home": "Find a service on the home page",
    "notfound.track": "Track your application",
    "notfound.consult": "Ask an officer through online consultation",
  },
});
applyTranslations();
