# Saring — teks antarmuka (Bahasa Indonesia, bahasa utama).
# Format: subset Fluent (lihat docs/frontend.md). Setiap kunci juga harus ada di en/main.ftl.

## Umum
common-loading = Memuat…
common-processing = Sedang diproses…
common-cancel = Batal
common-save = Simpan
common-choose = — Pilih —
common-reason = Alasan (opsional)
common-language = Ganti bahasa
common-language-other = English
common-pages = Halaman
common-prev = ‹ Sebelumnya
common-next = Berikutnya ›
common-page-of = Halaman { $page } dari { $pages } ({ $total } data)

## Navigasi
nav-dashboard = Beranda
nav-account = Akun Saya
nav-logout = Keluar
nav-users = Pengguna
nav-logs = Log Aktivitas

## Login & OTP
auth-tab-login = Masuk
auth-tab-register = Daftar
auth-phone = Nomor WhatsApp
auth-phone-hint = Tulis nomor yang aktif di WhatsApp, diawali 08, 628 atau +628.
auth-phone-invalid = Nomor WhatsApp tidak dikenali. Contoh yang benar: 081234567890.
auth-send-otp = Kirim kode OTP
auth-otp-sent = Kode OTP sudah kami kirim lewat WhatsApp ke { $phone }.
auth-otp = Kode OTP (6 angka)
auth-otp-six-digits = Masukkan 6 angka kode OTP dari WhatsApp.
auth-verify = Masuk
auth-verify-connect = Masuk & sambungkan internet
auth-resend = Kirim ulang kode
auth-resend-in = Kirim ulang dalam { $seconds } dtk
auth-change-number = Ganti nomor
auth-takeover-explain = Perangkat ini dapat menggantikan perangkat Anda yang paling lama tidak dipakai. Perangkat lama itu akan kehilangan akses internet.
auth-takeover-confirm = Ganti perangkat lama & masuk

## Pendaftaran
register-name = Nama lengkap
register-as = Daftar sebagai
register-blok = Blok
register-kamar = Kamar
register-tamping = Jenis tamping
register-submit = Daftar sekarang
register-name-required = Nama lengkap wajib diisi.
register-address-required = Pilih blok dan kamar Anda.
register-tamping-required = Pilih jenis tamping Anda.
register-done-title = Pendaftaran terkirim
register-done-text = Akun Anda sedang menunggu persetujuan admin. Setelah disetujui, Anda dapat masuk dengan kode OTP WhatsApp.
register-done-login = Lanjut ke halaman masuk
role-user = Pengguna
role-tamping = Tamping
role-komandan = Komandan
role-admin = Admin
role-super-admin = Super Admin

## Portal captive
captive-title = Portal Hotspot
captive-subtitle = Masuk untuk memakai internet di jaringan ini.
captive-server-down = Server portal tidak dapat dihubungi. Pastikan Anda masih tersambung ke WiFi hotspot, lalu muat ulang halaman.
captive-foreign = Data perangkat dari jaringan lain terdeteksi dan tidak dipakai. Buka portal dari WiFi hotspot tempat Anda tersambung.
captive-no-context = Alamat IP/MAC perangkat belum terbaca dari router. Anda tetap bisa masuk, tetapi perangkat mungkin perlu disambungkan ulang lewat halaman login hotspot.
captive-open-router-login = Buka login hotspot
captive-hotspot-login = Menyambungkan perangkat ke hotspot…
captive-hotspot-login-button = Sambungkan sekarang

connected-title = Anda terhubung
connected-text = Perangkat ini sudah bisa memakai internet. Selamat berselancar!
connected-countdown = Lanjut otomatis dalam { $seconds } detik.
connected-continue = Lanjut
connected-signed-out = Sesi Anda tidak ditemukan. Silakan masuk lagi lewat portal.
connected-back = Kembali ke portal

## Alamat MAC acak
mac-hint-title = Matikan alamat Wi-Fi pribadi
mac-hint-why = Ponsel Anda memakai alamat Wi-Fi acak (pribadi) untuk jaringan ini. Alamat itu bisa berubah sewaktu-waktu sehingga perangkat tidak dikenali lagi dan Anda harus masuk ulang.
mac-hint-android = Pengaturan → Wi-Fi → ketuk jaringan ini → Privasi → pilih "Gunakan MAC perangkat".
mac-hint-ios = Pengaturan → Wi-Fi → ketuk (i) di samping jaringan ini → matikan "Alamat Wi-Fi Pribadi".
mac-hint-after = Setelah diubah, sambungkan ulang ke WiFi lalu buka portal ini lagi.

## Login (di luar captive)
login-title = Masuk ke akun
login-subtitle = Kami kirim kode sekali pakai ke WhatsApp Anda.
consume-title = Membuka sesi
consume-working = Menyiapkan sesi Anda…
consume-missing-token = Tautan sesi tidak lengkap. Silakan masuk lagi.

## Beranda
dashboard-quota = Kuota internet
dashboard-remaining = Sisa kuota
dashboard-used = Terpakai
dashboard-total = Total kuota
dashboard-expiry = Berlaku sampai
dashboard-username = Username hotspot
dashboard-unlimited = Tanpa batas
dashboard-last-sync = Data pemakaian terakhir diperbarui:
dashboard-debt = Tunggakan kuota
dashboard-debt-auto = Tunggakan otomatis
dashboard-debt-manual = Tunggakan manual
dashboard-debt-total = Total tunggakan
dashboard-debt-estimate = Perkiraan nilai
dashboard-debt-note = Tunggakan dipotong dari pembelian paket berikutnya.
dashboard-weekly = Pemakaian 7 hari terakhir
dashboard-weekly-total = Total 7 hari
dashboard-weekly-average = Rata-rata per hari
dashboard-monthly = Pemakaian per bulan
dashboard-no-usage = Belum ada data pemakaian.

## Akun
account-profile = Profil
account-phone = Nomor telepon
account-saved = Profil tersimpan.
account-devices = Perangkat
account-devices-explain = Perangkat yang boleh memakai internet dengan akun Anda.
account-devices-max = Maksimal { $max } perangkat.
account-reset = Reset login
account-reset-explain = Keluarkan semua perangkat dari hotspot. Setiap perangkat perlu masuk lagi.
account-reset-confirm = Semua perangkat akan terputus dari hotspot. Lanjutkan?
account-reset-done = Login hotspot sudah direset.
account-change-password = Ubah kata sandi
account-current-password = Kata sandi sekarang
account-new-password = Kata sandi baru (min. 8 karakter)
account-password-changed = Kata sandi berhasil diubah.
devices-unnamed = Perangkat tanpa nama
devices-private = Alamat acak
devices-first-seen = Pertama terlihat
devices-last-seen = Terakhir aktif
devices-label = Nama perangkat
devices-label-placeholder = Misalnya: HP pribadi
devices-rename = Ubah nama
devices-remove = Hapus
devices-remove-confirm = Hapus perangkat ini? Perangkat tersebut tidak bisa memakai internet sampai masuk lagi.
devices-none = Belum ada perangkat terdaftar.

## Status akses
status-active = Aktif
status-unlimited = Tanpa batas
status-fup = FUP
status-habis = Kuota habis
status-expired = Kedaluwarsa
status-blocked = Diblokir
status-inactive = Belum aktif

policy-blocked-title = Akses diblokir
policy-blocked-text = Akses internet akun Anda sedang dihentikan oleh admin.
policy-blocked-reason = Alasan: { $reason }
policy-inactive-title = Akun belum aktif
policy-inactive-text = Akun ini belum bisa memakai internet.
policy-inactive-pending = Pendaftaran Anda sedang ditinjau admin. Kami kabari lewat WhatsApp setelah disetujui.
policy-inactive-rejected = Pendaftaran Anda tidak disetujui. Hubungi admin bila menurut Anda ini keliru.
policy-inactive-disabled = Akun Anda sedang dinonaktifkan oleh admin.
policy-expired-title = Masa aktif berakhir
policy-expired-text = Masa aktif paket internet Anda sudah lewat.
policy-expired-date = Masa aktif berakhir pada { $date }.
policy-habis-title = Kuota habis
policy-habis-text = Kuota internet Anda sudah terpakai semua. Isi ulang untuk tersambung lagi.
policy-fup-title = Batas pemakaian wajar tercapai
policy-fup-text = Kuota Anda hampir habis, jadi kecepatan internet diturunkan sampai Anda menambah kuota.
policy-usage = Terpakai { $used } dari { $total }.
policy-buy = Beli paket
policy-request = Ajukan permintaan
policy-contact-admin = Hubungi admin lewat WhatsApp
policy-whatsapp-text = Halo admin, saya perlu bantuan: { $status }. { $who }
policy-back-dashboard = Kembali ke beranda
policy-back-portal = Kembali ke portal
policy-link-invalid = Tautan status ini tidak berlaku. Silakan masuk.

## Pemeliharaan & 404
maintenance-title = Sedang dalam pemeliharaan
maintenance-default = Layanan sedang kami perbaiki dan akan segera kembali.
maintenance-admin = Login admin
notfound-title = Halaman tidak ditemukan
notfound-text = Alamat yang Anda buka tidak ada.
notfound-home = Ke halaman utama

## Admin
admin-login-title = Login admin
admin-login-phone = Nomor telepon admin
admin-login-password = Kata sandi
admin-login-submit = Masuk
admin-users-title = Pengguna
admin-user-title = Detail pengguna
admin-tab-pending = Menunggu persetujuan
admin-tab-all = Semua pengguna
admin-search = Cari nama atau nomor
admin-search-button = Cari
admin-role = Peran
admin-status = Status
admin-all-roles = Semua peran
admin-all-statuses = Semua status
admin-filter-pending = Menunggu
admin-filter-approved = Disetujui
admin-filter-rejected = Ditolak
admin-filter-active = Aktif
admin-filter-inactive = Nonaktif
admin-filter-blocked = Diblokir
admin-filter-unlimited = Tanpa batas
admin-approve = Setujui
admin-reject = Tolak
admin-reject-confirm = Tolak pendaftaran ini? Pengguna akan diberi tahu lewat WhatsApp.
admin-block = Blokir
admin-block-confirm = Blokir akses internet pengguna ini?
admin-unblock = Buka blokir
admin-unblock-confirm = Buka kembali akses internet pengguna ini?
admin-approved = Pengguna disetujui.
admin-rejected = Pendaftaran ditolak.
admin-blocked = Pengguna diblokir.
admin-unblocked = Blokir dibuka.
admin-role-changed = Peran diubah.
admin-no-users = Tidak ada pengguna yang cocok.
admin-registered = Daftar
admin-last-login = Login terakhir
admin-devices = perangkat
admin-approval = Persetujuan
admin-profile = Profil hotspot
admin-block-reason = Alasan blokir
admin-logs-title = Log aktivitas admin
admin-no-logs = Belum ada aktivitas.
admin-log-time = Waktu
admin-log-admin = Admin
admin-log-action = Aksi
admin-log-target = Pengguna
admin-log-details = Rincian
admin-log-system = Sistem

## Pesan kesalahan (menurut kode dari server)
error-network = Tidak dapat terhubung ke server. Periksa koneksi WiFi Anda lalu coba lagi.
error-internal = Terjadi kesalahan di server. Silakan coba lagi sebentar lagi.
error-unauthorized = Sesi Anda sudah berakhir. Silakan masuk lagi.
error-token_expired = Sesi Anda sudah berakhir. Silakan masuk lagi.
error-token_invalid = Sesi Anda tidak valid. Silakan masuk lagi.
error-invalid_credentials = Nomor atau kata sandi salah.
error-admin_required = Halaman ini khusus admin.
error-user_not_found = Nomor ini belum terdaftar. Silakan daftar terlebih dahulu.
error-user_inactive = Akun Anda belum aktif.
error-user_unapproved = Akun Anda masih menunggu persetujuan admin.
error-user_blocked = Akun Anda diblokir.
error-phone_already_registered = Nomor ini sudah terdaftar. Silakan masuk.
error-phone_invalid = Nomor WhatsApp tidak valid. Gunakan awalan 08, 628 atau +628.
error-otp_invalid = Kode OTP salah. Periksa lagi pesan WhatsApp Anda.
error-otp_expired = Kode OTP sudah kedaluwarsa. Minta kode baru.
error-otp_cooldown = Kode baru saja dikirim. Tunggu sebentar sebelum meminta lagi.
error-otp_too_many_attempts = Terlalu banyak percobaan. Coba lagi beberapa saat lagi.
error-rate_limited = Terlalu banyak permintaan. Coba lagi beberapa saat lagi.
error-device_limit_reached = Jumlah perangkat untuk akun Anda sudah mencapai batas.
error-captive_context_invalid = Data perangkat dari jaringan lain diabaikan. Buka portal dari WiFi hotspot Anda.
error-device_not_detected = Perangkat Anda belum terdeteksi oleh router. Buka halaman login hotspot lalu coba lagi.
error-router_unavailable = Router hotspot sedang tidak dapat dihubungi. Coba lagi sebentar lagi.
error-maintenance = Layanan sedang dalam pemeliharaan.
error-service_unavailable = Layanan sedang sibuk. Coba lagi sebentar lagi.
error-not_found = Data tidak ditemukan.
