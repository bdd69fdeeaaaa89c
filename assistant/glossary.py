"""English -> Vietnamese glossary for expanding English questions over Vietnamese news.

General vocabulary of government, economy and cooperation-policy reporting.  Keys are
lower-case English words or 2-3 word phrases; values are Vietnamese equivalents with
diacritics (several variants where spelling or wording differs, e.g. "thỏa"/"thoả").

Stdlib only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["EN_TO_VI", "expand_english", "looks_english"]

EN_TO_VI: dict[str, tuple[str, ...]] = {
    # --- cooperation, agreements, policy -------------------------------------------------
    "cooperation": ("hợp tác",),
    "cooperate": ("hợp tác",),
    "collaboration": ("hợp tác", "phối hợp"),
    "coordination": ("phối hợp",),
    "partnership": ("đối tác", "hợp tác"),
    "partner": ("đối tác",),
    "agreement": ("thỏa thuận", "thoả thuận", "hợp tác"),
    "cooperation agreement": ("thỏa thuận hợp tác", "thoả thuận hợp tác", "hợp tác"),
    "memorandum": ("biên bản ghi nhớ", "ghi nhớ"),
    "memorandum of understanding": ("biên bản ghi nhớ", "ghi nhớ"),
    "mou": ("biên bản ghi nhớ", "ghi nhớ"),
    "sign": ("ký kết", "ký"),
    "signing ceremony": ("lễ ký kết",),
    "contract": ("hợp đồng",),
    "commitment": ("cam kết",),
    "program": ("chương trình",),
    "programme": ("chương trình",),
    "plan": ("kế hoạch",),
    "project": ("dự án",),
    "policy": ("chính sách",),
    "resolution": ("nghị quyết",),
    "decree": ("nghị định",),
    "decision": ("quyết định",),
    "strategy": ("chiến lược",),
    "implement": ("triển khai", "thực hiện"),
    "implementation": ("triển khai", "thực hiện"),
    "mechanism": ("cơ chế",),
    "linkage": ("liên kết",),
    "regional linkage": ("liên kết vùng",),
    "exchange": ("trao đổi", "giao lưu"),
    "friendship": ("hữu nghị",),
    "international": ("quốc tế",),
    "foreign affairs": ("đối ngoại",),
    "ambassador": ("đại sứ",),
    "embassy": ("đại sứ quán",),
    "diplomatic": ("ngoại giao",),
    "bilateral": ("song phương",),
    "strategic partnership": ("đối tác chiến lược",),
    "comprehensive strategic partnership": ("đối tác chiến lược toàn diện",),
    "relationship": ("quan hệ", "mối quan hệ"),
    "both sides": ("hai bên",),
    "sister city": ("kết nghĩa", "thành phố kết nghĩa"),
    "principle": ("nguyên tắc",),
    "voluntary": ("tự nguyện",),
    "equality": ("bình đẳng",),
    "mutual benefit": ("cùng có lợi", "đôi bên cùng có lợi"),
    "mutually beneficial": ("cùng có lợi", "đôi bên cùng có lợi"),
    "connect": ("kết nối", "liên kết"),
    "link": ("liên kết", "kết nối"),
    "share experience": ("chia sẻ kinh nghiệm",),
    "scheme": ("đề án",),
    "component": ("hợp phần", "nội dung", "phần"),
    "part": ("phần", "nội dung"),
    "draft": ("dự thảo", "soạn thảo", "xây dựng"),
    "propose": ("đề xuất", "đề nghị", "kiến nghị"),
    "proposal": ("đề xuất", "đề nghị", "kiến nghị"),
    "recommend": ("kiến nghị", "khuyến nghị", "đề xuất"),
    "request": ("đề nghị", "yêu cầu"),
    "call for": ("kêu gọi",),
    "invite": ("mời", "mời gọi", "kêu gọi"),
    # --- administration & geography -------------------------------------------------------
    "province": ("tỉnh",),
    "provincial": ("tỉnh",),
    "city": ("thành phố", "TP"),
    "locality": ("địa phương",),
    "local": ("địa phương",),
    "region": ("vùng", "khu vực"),
    "regional": ("vùng", "khu vực"),
    "central": ("trung ương", "miền Trung"),
    "central government": ("Trung ương", "Chính phủ"),
    "north": ("miền Bắc", "phía Bắc"),
    "northern": ("miền Bắc", "phía Bắc"),
    "south": ("miền Nam", "phía Nam"),
    "southern": ("miền Nam", "phía Nam"),
    "central highlands": ("Tây Nguyên",),
    "mekong delta": ("Đồng bằng sông Cửu Long", "ĐBSCL"),
    "red river delta": ("Đồng bằng sông Hồng",),
    "northwest": ("Tây Bắc",),
    "mountainous": ("miền núi",),
    "border": ("biên giới",),
    "district": ("huyện", "quận"),
    "commune": ("xã",),
    "ward": ("phường",),
    "village": ("thôn", "làng", "bản"),
    "nationwide": ("cả nước", "toàn quốc"),
    "national": ("quốc gia",),
    "merger": ("sáp nhập", "hợp nhất"),
    "merge": ("sáp nhập", "hợp nhất"),
    "capital": ("thủ đô", "vốn"),
    "north-central": ("Bắc Trung Bộ",),
    "north-central coast": ("Bắc Trung Bộ", "duyên hải Bắc Trung Bộ"),
    "south-central": ("Nam Trung Bộ",),
    "south-central coast": ("Nam Trung Bộ", "duyên hải Nam Trung Bộ"),
    "central region": ("miền Trung", "Trung Bộ"),
    "central coast": ("duyên hải miền Trung", "miền Trung"),
    "central province": ("tỉnh miền Trung", "miền Trung"),
    "central committee": ("Ban Chấp hành Trung ương", "Trung ương"),
    "centrally-run": ("trực thuộc Trung ương",),
    "north-west": ("Tây Bắc",),
    "northeast": ("Đông Bắc",),
    "north-east": ("Đông Bắc",),
    "southeast": ("Đông Nam Bộ", "miền Đông Nam Bộ"),
    "south-east": ("Đông Nam Bộ", "miền Đông Nam Bộ"),
    "southwest": ("Tây Nam Bộ", "miền Tây"),
    "south-west": ("Tây Nam Bộ", "miền Tây"),
    "east": ("phía Đông", "miền Đông"),
    "west": ("phía Tây", "miền Tây"),
    "northern midlands": ("trung du và miền núi phía Bắc", "trung du miền núi phía Bắc"),
    "northern mountainous": ("miền núi phía Bắc",),
    "delta": ("đồng bằng",),
    "mekong": ("Mê Kông", "Mê Công", "Cửu Long"),
    "key economic region": ("vùng kinh tế trọng điểm",),
    "coastal": ("ven biển", "duyên hải"),
    "coast": ("bờ biển", "ven biển", "duyên hải"),
    "island": ("đảo",),
    "remote area": ("vùng sâu, vùng xa", "vùng sâu", "vùng xa"),
    "disadvantaged": ("khó khăn", "đặc biệt khó khăn"),
    "neighbouring": ("lân cận", "giáp ranh", "láng giềng"),
    "neighboring": ("lân cận", "giáp ranh", "láng giềng"),
    "provincial-level": ("cấp tỉnh",),
    "location": ("địa điểm", "vị trí"),
    "headquarters": ("trụ sở",),
    # --- government -------------------------------------------------------------------------
    "government": ("Chính phủ",),
    "ministry": ("Bộ",),
    "minister": ("Bộ trưởng",),
    "prime minister": ("Thủ tướng",),
    "deputy prime minister": ("Phó Thủ tướng",),
    "national assembly": ("Quốc hội",),
    "people's committee": ("Ủy ban nhân dân", "UBND"),
    "people's council": ("Hội đồng nhân dân", "HĐND"),
    "party committee": ("Tỉnh ủy", "Thành ủy", "Đảng ủy"),
    "secretary": ("Bí thư",),
    "chairman": ("Chủ tịch",),
    "chairwoman": ("Chủ tịch",),
    "vice chairman": ("Phó Chủ tịch",),
    "vice chairwoman": ("Phó Chủ tịch",),
    "vice president": ("Phó Chủ tịch",),
    "director": ("Giám đốc",),
    "department": ("Sở", "ban"),
    "agency": ("cơ quan",),
    "authorities": ("chính quyền", "cơ quan chức năng"),
    "leader": ("lãnh đạo",),
    "leadership": ("lãnh đạo",),
    "official": ("cán bộ", "quan chức"),
    "delegation": ("đoàn công tác", "đoàn"),
    "visit": ("thăm", "làm việc"),
    "working session": ("buổi làm việc", "làm việc"),
    "meeting": ("cuộc họp", "hội nghị", "gặp gỡ"),
    "conference": ("hội nghị",),
    "summary conference": ("hội nghị tổng kết",),
    "review conference": ("hội nghị sơ kết", "sơ kết"),
    "summary": ("tổng kết",),
    "review": ("sơ kết", "tổng kết", "đánh giá"),
    "forum": ("diễn đàn",),
    "workshop": ("hội thảo",),
    "seminar": ("hội thảo",),
    "ceremony": ("lễ",),
    "launch": ("ra mắt", "phát động", "khởi động"),
    "administrative procedures": ("thủ tục hành chính",),
    "reform": ("cải cách",),
    "regulation": ("quy định",),
    "law": ("luật",),
    "deputy chairman": ("Phó Chủ tịch",),
    "standing vice chairman": ("Phó Chủ tịch Thường trực",),
    "president": ("Chủ tịch", "Chủ tịch nước"),
    "general secretary": ("Tổng Bí thư",),
    "party secretary": ("Bí thư", "Bí thư Tỉnh ủy", "Bí thư Thành ủy"),
    "deputy secretary": ("Phó Bí thư",),
    "provincial party committee": ("Tỉnh ủy",),
    "party": ("Đảng", "bên"),
    "fatherland front": ("Mặt trận Tổ quốc", "MTTQ"),
    "deputy director": ("Phó Giám đốc",),
    "general director": ("Tổng Giám đốc",),
    "deputy minister": ("Thứ trưởng",),
    "deputy": ("Phó", "đại biểu"),
    "head": ("trưởng", "người đứng đầu", "lãnh đạo", "Giám đốc", "Chủ tịch"),
    "chair": ("Chủ tịch", "chủ trì"),
    "chairs": ("Chủ tịch", "chủ trì"),
    "member": ("thành viên", "ủy viên"),
    "council": ("hội đồng",),
    "committee": ("ủy ban", "ban"),
    "management board": ("Ban Quản lý", "BQL"),
    "steering committee": ("Ban Chỉ đạo", "BCĐ"),
    "civil servant": ("công chức", "cán bộ, công chức"),
    "expert": ("chuyên gia",),
    "representative": ("đại diện",),
    "delegate": ("đại biểu",),
    "position": ("chức vụ", "cương vị", "vị trí", "Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Bí thư"),
    "post": ("chức vụ", "cương vị"),
    "title": ("chức danh", "chức vụ", "danh hiệu"),
    "role": ("vai trò",),
    "appoint": ("bổ nhiệm",),
    "summit": ("hội nghị thượng đỉnh", "hội nghị cấp cao"),
    "session": ("kỳ họp", "phiên họp", "phiên"),
    "talks": ("hội đàm", "trao đổi"),
    "preliminary review": ("sơ kết",),
    "event": ("sự kiện",),
    "host": ("đăng cai", "tổ chức"),
    "organize": ("tổ chức",),
    "organise": ("tổ chức",),
    "organization": ("tổ chức",),
    "organisation": ("tổ chức",),
    "attend": ("tham dự", "dự"),
    "participate": ("tham gia",),
    "receive": ("tiếp nhận", "nhận", "tiếp", "đón"),
    "document": ("văn bản", "tài liệu"),
    "procedure": ("thủ tục", "quy trình"),
    # --- investment & business -------------------------------------------------------------
    "investment": ("đầu tư",),
    "invest": ("đầu tư",),
    "investor": ("nhà đầu tư",),
    "investment attraction": ("thu hút đầu tư",),
    "attract": ("thu hút",),
    "fdi": ("FDI", "đầu tư trực tiếp nước ngoài"),
    "foreign": ("nước ngoài",),
    "enterprise": ("doanh nghiệp",),
    "business": ("doanh nghiệp", "kinh doanh"),
    "company": ("công ty",),
    "corporation": ("tổng công ty", "tập đoàn"),
    "group": ("tập đoàn", "nhóm"),
    "firm": ("doanh nghiệp", "công ty"),
    "cooperative": ("hợp tác xã", "HTX"),
    "association": ("hiệp hội", "hội"),
    "economy": ("kinh tế",),
    "economic": ("kinh tế",),
    "budget": ("ngân sách",),
    "revenue": ("doanh thu", "thu"),
    "billion": ("tỷ",),
    "million": ("triệu",),
    "tax": ("thuế",),
    "finance": ("tài chính",),
    "bank": ("ngân hàng",),
    "credit": ("tín dụng",),
    "loan": ("khoản vay", "vay"),
    "fund": ("quỹ",),
    "funding": ("kinh phí", "nguồn vốn"),
    "cost": ("chi phí", "kinh phí"),
    "value": ("giá trị",),
    "scale": ("quy mô",),
    "investment capital": ("vốn đầu tư",),
    "public investment": ("đầu tư công",),
    "disburse": ("giải ngân",),
    "disbursement": ("giải ngân",),
    "mobilize": ("huy động",),
    "resource": ("nguồn lực", "tài nguyên"),
    "state-owned": ("nhà nước",),
    "state-owned enterprise": ("doanh nghiệp nhà nước", "DNNN"),
    "state-owned company": ("doanh nghiệp nhà nước", "công ty nhà nước"),
    "state": ("nhà nước",),
    "joint stock company": ("công ty cổ phần", "CTCP"),
    "joint venture": ("liên doanh",),
    "small and medium": ("doanh nghiệp nhỏ và vừa", "nhỏ và vừa"),
    "household business": ("hộ kinh doanh",),
    "private sector": ("khu vực tư nhân", "kinh tế tư nhân"),
    "gdp": ("GDP", "tổng sản phẩm trong nước"),
    "grdp": ("GRDP", "tổng sản phẩm trên địa bàn"),
    "per capita": ("bình quân đầu người",),
    "income": ("thu nhập",),
    "budget revenue": ("thu ngân sách",),
    "profit": ("lợi nhuận",),
    "turnover": ("kim ngạch", "doanh thu"),
    "sales": ("doanh số", "tiêu thụ", "bán hàng"),
    "economic growth": ("tăng trưởng kinh tế",),
    "competitiveness": ("năng lực cạnh tranh", "sức cạnh tranh"),
    "real estate": ("bất động sản",),
    "insurance": ("bảo hiểm",),
    "incentive": ("ưu đãi",),
    "business environment": ("môi trường kinh doanh",),
    "investment environment": ("môi trường đầu tư",),
    "green growth": ("tăng trưởng xanh",),
    "circular economy": ("kinh tế tuần hoàn",),
    "trillion": ("nghìn tỷ", "ngàn tỷ"),
    # --- tourism & culture ----------------------------------------------------------------
    "tourism": ("du lịch",),
    "tourist": ("du khách", "khách du lịch"),
    "visitor": ("du khách", "lượt khách"),
    "travel": ("du lịch", "lữ hành"),
    "tour": ("tour", "tuyến du lịch"),
    "eco-tourism": ("du lịch sinh thái",),
    "ecotourism": ("du lịch sinh thái",),
    "community tourism": ("du lịch cộng đồng",),
    "destination": ("điểm đến",),
    "heritage": ("di sản",),
    "relic": ("di tích",),
    "culture": ("văn hóa", "văn hoá"),
    "cultural": ("văn hóa", "văn hoá"),
    "festival": ("lễ hội", "festival"),
    "sport": ("thể thao",),
    "hotel": ("khách sạn",),
    "resort": ("khu nghỉ dưỡng", "resort"),
    "attraction": ("thu hút", "điểm tham quan"),
    "tourist attraction": ("điểm du lịch", "điểm tham quan"),
    "community-based tourism": ("du lịch cộng đồng",),
    "community": ("cộng đồng",),
    "tourism route": ("tuyến du lịch",),
    "travel agency": ("doanh nghiệp lữ hành", "công ty lữ hành", "lữ hành"),
    "accommodation": ("lưu trú", "cơ sở lưu trú"),
    "domestic": ("nội địa", "trong nước"),
    "overseas": ("nước ngoài", "quốc tế"),
    "national park": ("vườn quốc gia",),
    "historical relic": ("di tích lịch sử",),
    "cuisine": ("ẩm thực",),
    "traditional": ("truyền thống",),
    "craft village": ("làng nghề",),
    "handicraft": ("thủ công mỹ nghệ", "thủ công"),
    "celebrate": ("kỷ niệm", "chào mừng"),
    "flight": ("chuyến bay", "đường bay"),
    # --- agriculture, forestry, fishery -------------------------------------------------------
    "agriculture": ("nông nghiệp",),
    "agricultural": ("nông nghiệp", "nông sản"),
    "agricultural products": ("nông sản",),
    "farmer": ("nông dân",),
    "farm": ("trang trại",),
    "forestry": ("lâm nghiệp",),
    "forest": ("rừng",),
    "fishery": ("thủy sản", "thuỷ sản", "ngư nghiệp"),
    "fisheries": ("thủy sản", "thuỷ sản", "ngư nghiệp"),
    "seafood": ("hải sản", "thủy sản", "thuỷ sản"),
    "aquaculture": ("nuôi trồng thủy sản", "nuôi trồng thuỷ sản"),
    "livestock": ("chăn nuôi", "gia súc"),
    "animal husbandry": ("chăn nuôi",),
    "poultry": ("gia cầm",),
    "food processing": ("chế biến thực phẩm",),
    "processing": ("chế biến",),
    "food": ("thực phẩm", "lương thực"),
    "food safety": ("an toàn thực phẩm",),
    "slaughterhouse": ("lò giết mổ", "cơ sở giết mổ", "giết mổ"),
    "slaughter": ("giết mổ",),
    "animal feed": ("thức ăn chăn nuôi",),
    "crop": ("cây trồng",),
    "rice": ("lúa", "gạo"),
    "coffee": ("cà phê",),
    "fruit": ("trái cây", "hoa quả"),
    "irrigation": ("thủy lợi", "thuỷ lợi"),
    "rural": ("nông thôn",),
    "new rural": ("nông thôn mới",),
    "value chain": ("chuỗi giá trị",),
    "supply chain": ("chuỗi cung ứng",),
    "aquatic": ("thủy sản", "thuỷ sản"),
    "fishing": ("đánh bắt", "khai thác thủy sản", "khai thác thuỷ sản"),
    "fishermen": ("ngư dân",),
    "shrimp": ("tôm",),
    "cattle": ("bò", "gia súc"),
    "forest products": ("lâm sản",),
    "organic": ("hữu cơ",),
    "raw material area": ("vùng nguyên liệu",),
    "raw material": ("nguyên liệu",),
    "harvest": ("thu hoạch",),
    "farming": ("canh tác", "nuôi trồng", "trồng trọt"),
    "high-tech agriculture": ("nông nghiệp công nghệ cao",),
    "key product": ("sản phẩm chủ lực",),
    "processed": ("chế biến",),
    "process": ("quy trình", "quá trình", "chế biến"),
    # --- industry & energy ------------------------------------------------------------------
    "industry": ("công nghiệp", "ngành"),
    "industrial": ("công nghiệp",),
    "industrial park": ("khu công nghiệp", "KCN"),
    "industrial zone": ("khu công nghiệp", "KCN"),
    "industrial cluster": ("cụm công nghiệp", "CCN"),
    "economic zone": ("khu kinh tế",),
    "high-tech park": ("khu công nghệ cao",),
    "hi-tech park": ("khu công nghệ cao",),
    "supporting industry": ("công nghiệp hỗ trợ",),
    "factory": ("nhà máy",),
    "plant": ("nhà máy",),
    "manufacturing": ("sản xuất", "chế tạo"),
    "production": ("sản xuất",),
    "produce": ("sản xuất",),
    "glass": ("kính", "thủy tinh"),
    "sand": ("cát",),
    "mineral": ("khoáng sản",),
    "mining": ("khai thác", "khai khoáng"),
    "construction": ("xây dựng",),
    "build": ("xây dựng",),
    "energy": ("năng lượng",),
    "renewable energy": ("năng lượng tái tạo",),
    "electricity": ("điện",),
    "power plant": ("nhà máy điện",),
    "solar": ("điện mặt trời", "năng lượng mặt trời"),
    "solar power": ("điện mặt trời",),
    "rooftop": ("áp mái", "mái nhà"),
    "rooftop solar": ("điện mặt trời áp mái",),
    "wind power": ("điện gió",),
    "processing plant": ("nhà máy chế biến",),
    "processing factory": ("nhà máy chế biến",),
    "high-tech zone": ("khu công nghệ cao",),
    "hi-tech zone": ("khu công nghệ cao",),
    "export processing zone": ("khu chế xuất",),
    "capacity": ("công suất", "năng lực"),
    "hydropower": ("thủy điện", "thuỷ điện"),
    "power grid": ("lưới điện",),
    "emission": ("phát thải",),
    "textile": ("dệt may",),
    "contractor": ("nhà thầu",),
    "bidding": ("đấu thầu",),
    # --- trade, market, products --------------------------------------------------------------
    "trade": ("thương mại", "giao thương"),
    "commerce": ("thương mại",),
    "commercial": ("thương mại",),
    "supermarket": ("siêu thị",),
    "shopping centre": ("trung tâm thương mại",),
    "shopping center": ("trung tâm thương mại",),
    "shopping mall": ("trung tâm thương mại",),
    "entertainment": ("vui chơi giải trí", "giải trí"),
    "export": ("xuất khẩu",),
    "import": ("nhập khẩu",),
    "market": ("thị trường", "chợ"),
    "consumption": ("tiêu thụ", "tiêu dùng"),
    "consumer": ("người tiêu dùng",),
    "promotion": ("xúc tiến", "quảng bá"),
    "promote": ("xúc tiến", "quảng bá", "thúc đẩy"),
    "trade promotion": ("xúc tiến thương mại",),
    "investment promotion": ("xúc tiến đầu tư",),
    "fair": ("hội chợ",),
    "exhibition": ("triển lãm",),
    "retail": ("bán lẻ",),
    "distribution": ("phân phối",),
    "logistics": ("logistics", "dịch vụ hậu cần"),
    "e-commerce": ("thương mại điện tử",),
    "service": ("dịch vụ",),
    "goods": ("hàng hóa", "hàng hoá"),
    "origin": ("xuất xứ", "nguồn gốc"),
    "price": ("giá",),
    "product": ("sản phẩm",),
    "specialty": ("đặc sản",),
    "specialty products": ("đặc sản", "sản phẩm đặc trưng"),
    "ocop": ("OCOP", "Mỗi xã một sản phẩm"),
    "brand": ("thương hiệu",),
    "branding": ("xây dựng thương hiệu", "thương hiệu"),
    "identity": ("bản sắc", "nhận diện"),
    "quality": ("chất lượng",),
    "certification": ("chứng nhận",),
    "counterfeit": ("hàng giả",),
    "consume": ("tiêu thụ",),
    "market outlet": ("đầu ra", "tiêu thụ"),
    "outlet": ("đầu ra", "tiêu thụ"),
    "export turnover": ("kim ngạch xuất khẩu",),
    "import-export": ("xuất nhập khẩu",),
    "free": ("miễn phí",),
    "free trade agreement": ("hiệp định thương mại tự do", "FTA"),
    "fta": ("FTA", "hiệp định thương mại tự do"),
    "border gate": ("cửa khẩu",),
    "brand identity": ("nhận diện thương hiệu", "bộ nhận diện thương hiệu"),
    "geographical indication": ("chỉ dẫn địa lý",),
    "standard": ("tiêu chuẩn", "chuẩn"),
    # --- science & technology -------------------------------------------------------------
    "science": ("khoa học",),
    "technology": ("công nghệ",),
    "science and technology": ("khoa học và công nghệ", "khoa học công nghệ", "KH&CN"),
    "innovation": ("đổi mới sáng tạo",),
    "startup": ("khởi nghiệp",),
    "start-up": ("khởi nghiệp",),
    "digital transformation": ("chuyển đổi số",),
    "digital economy": ("kinh tế số",),
    "information technology": ("công nghệ thông tin", "CNTT"),
    "software park": ("công viên phần mềm",),
    "software": ("phần mềm",),
    "artificial intelligence": ("trí tuệ nhân tạo", "AI"),
    "ai": ("trí tuệ nhân tạo", "AI"),
    "automation": ("tự động hóa", "tự động hoá"),
    "biotechnology": ("công nghệ sinh học",),
    "high technology": ("công nghệ cao",),
    "high-tech": ("công nghệ cao",),
    "research": ("nghiên cứu",),
    "semiconductor": ("bán dẫn",),
    "data": ("dữ liệu",),
    "smart city": ("đô thị thông minh", "thành phố thông minh"),
    "telecommunications": ("viễn thông",),
    "technology transfer": ("chuyển giao công nghệ",),
    "transfer": ("chuyển giao", "chuyển nhượng"),
    "research and development": ("nghiên cứu và phát triển", "R&D"),
    "digital": ("số", "kỹ thuật số"),
    "e-government": ("chính phủ điện tử",),
    "online": ("trực tuyến",),
    "platform": ("nền tảng",),
    "data center": ("trung tâm dữ liệu",),
    "data centre": ("trung tâm dữ liệu",),
    "smart": ("thông minh",),
    "apply": ("ứng dụng", "áp dụng"),
    "application": ("ứng dụng", "áp dụng"),
    # --- education, labour, health ----------------------------------------------------------
    "education": ("giáo dục",),
    "training": ("đào tạo",),
    "human resources": ("nguồn nhân lực", "nhân lực"),
    "labour": ("lao động",),
    "labor": ("lao động",),
    "worker": ("công nhân", "người lao động"),
    "employment": ("việc làm",),
    "job": ("việc làm",),
    "university": ("đại học", "trường đại học"),
    "college": ("cao đẳng",),
    "school": ("trường học", "trường"),
    "student": ("sinh viên", "học sinh"),
    "institute": ("viện", "học viện"),
    "academy": ("học viện",),
    "scholarship": ("học bổng",),
    "vocational": ("nghề", "giáo dục nghề nghiệp"),
    "health": ("y tế", "sức khỏe", "sức khoẻ"),
    "healthcare": ("y tế", "chăm sóc sức khỏe", "chăm sóc sức khoẻ"),
    "medical": ("y tế",),
    "hospital": ("bệnh viện",),
    "examination and treatment": ("khám chữa bệnh", "khám, chữa bệnh"),
    "medical examination": ("khám bệnh", "khám chữa bệnh"),
    "treatment": ("điều trị", "chữa bệnh"),
    "doctor": ("bác sĩ",),
    "pharmaceutical": ("dược phẩm", "dược"),
    "disease": ("bệnh", "dịch bệnh"),
    "train": ("đào tạo", "tập huấn"),
    "vocational training": ("đào tạo nghề", "giáo dục nghề nghiệp"),
    "high-quality": ("chất lượng cao",),
    "human resource": ("nguồn nhân lực", "nhân lực"),
    "recruit": ("tuyển dụng",),
    "recruitment": ("tuyển dụng",),
    "teacher": ("giáo viên",),
    "telemedicine": ("khám chữa bệnh từ xa", "y tế từ xa", "hội chẩn từ xa"),
    "remote consultation": ("hội chẩn từ xa",),
    "consultation": ("hội chẩn", "tư vấn", "lấy ý kiến"),
    "free medical examination": ("khám bệnh miễn phí", "khám chữa bệnh miễn phí"),
    "health insurance": ("bảo hiểm y tế", "BHYT"),
    "health station": ("trạm y tế",),
    "medical centre": ("trung tâm y tế",),
    "medical center": ("trung tâm y tế",),
    "clinic": ("phòng khám",),
    "patient": ("bệnh nhân", "người bệnh"),
    "medical staff": ("nhân viên y tế", "y bác sĩ"),
    "vaccine": ("vắc xin", "vaccine"),
    # --- infrastructure, planning, environment ---------------------------------------------------
    "infrastructure": ("hạ tầng", "cơ sở hạ tầng", "kết cấu hạ tầng"),
    "planning": ("quy hoạch",),
    "transport": ("giao thông", "vận tải"),
    "transportation": ("giao thông", "vận tải"),
    "traffic": ("giao thông",),
    "road": ("đường", "tuyến đường"),
    "expressway": ("cao tốc", "đường cao tốc"),
    "highway": ("quốc lộ", "cao tốc"),
    "bridge": ("cầu",),
    "airport": ("sân bay", "cảng hàng không"),
    "seaport": ("cảng biển",),
    "port": ("cảng",),
    "railway": ("đường sắt",),
    "urban": ("đô thị",),
    "urban area": ("khu đô thị", "đô thị"),
    "land": ("đất", "đất đai"),
    "site clearance": ("giải phóng mặt bằng",),
    "environment": ("môi trường",),
    "climate change": ("biến đổi khí hậu",),
    "waste": ("rác thải", "chất thải"),
    "route": ("tuyến", "tuyến đường"),
    "ring road": ("đường vành đai", "vành đai"),
    "deep-water port": ("cảng nước sâu",),
    "progress": ("tiến độ",),
    "compensation": ("bồi thường",),
    "resettlement": ("tái định cư",),
    "land acquisition": ("thu hồi đất",),
    "master plan": ("quy hoạch chung", "quy hoạch tổng thể"),
    "groundbreaking": ("khởi công", "động thổ"),
    "inaugurate": ("khánh thành",),
    "inauguration": ("khánh thành",),
    "put into operation": ("đưa vào vận hành", "đưa vào hoạt động", "đưa vào sử dụng"),
    "operate": ("vận hành", "hoạt động"),
    "operation": ("vận hành", "hoạt động"),
    "complete": ("hoàn thành",),
    "completion": ("hoàn thành",),
    "protect": ("bảo vệ",),
    # --- social welfare -------------------------------------------------------------------
    "social welfare": ("an sinh xã hội", "phúc lợi xã hội"),
    "social security": ("an sinh xã hội", "bảo hiểm xã hội"),
    "social insurance": ("bảo hiểm xã hội",),
    "social": ("xã hội",),
    "housing": ("nhà ở",),
    "social housing": ("nhà ở xã hội",),
    "house": ("nhà", "nhà ở"),
    "poor households": ("hộ nghèo",),
    "poor household": ("hộ nghèo",),
    "poverty": ("nghèo", "giảm nghèo"),
    "poverty reduction": ("giảm nghèo",),
    "charity": ("từ thiện",),
    "philanthropist": ("nhà hảo tâm", "mạnh thường quân"),
    "donate": ("ủng hộ", "trao tặng", "quyên góp"),
    "gift": ("quà", "phần quà"),
    "support": ("hỗ trợ",),
    "assistance": ("hỗ trợ", "trợ giúp"),
    "relief": ("cứu trợ",),
    "disaster": ("thiên tai",),
    "flood": ("lũ", "lũ lụt"),
    "storm": ("bão",),
    "ethnic minority": ("đồng bào dân tộc thiểu số", "dân tộc thiểu số"),
    "people": ("người dân", "nhân dân"),
    "resident": ("người dân", "cư dân"),
    "population": ("dân số",),
    "poor": ("hộ nghèo", "người nghèo", "nghèo"),
    "household": ("hộ", "hộ gia đình"),
    "temporary house": ("nhà tạm", "nhà tạm, nhà dột nát"),
    "charity house": ("nhà tình thương", "nhà tình nghĩa"),
    "donor": ("nhà tài trợ", "nhà hảo tâm"),
    "benefactor": ("nhà hảo tâm", "mạnh thường quân"),
    "sponsor": ("nhà tài trợ", "tài trợ"),
    "donation": ("ủng hộ", "quyên góp", "tài trợ"),
    "volunteer": ("tình nguyện", "tình nguyện viên"),
    "livelihood": ("sinh kế",),
    "beneficiary": ("người thụ hưởng", "đối tượng thụ hưởng", "thụ hưởng"),
    "children": ("trẻ em",),
    "child": ("trẻ em",),
    "women": ("phụ nữ",),
    "woman": ("phụ nữ",),
    "disability": ("khuyết tật", "người khuyết tật"),
    "ethnic": ("dân tộc",),
    # --- time, counting ---------------------------------------------------------------------
    "year": ("năm",),
    "month": ("tháng",),
    "quarter": ("quý",),
    "period": ("giai đoạn",),
    "term": ("nhiệm kỳ", "giai đoạn"),
    "first time": ("lần đầu", "lần đầu tiên", "lần thứ nhất"),
    "second time": ("lần thứ hai", "lần thứ 2"),
    "third time": ("lần thứ ba", "lần thứ 3"),
    "twice": ("hai lần", "2 lần", "lần thứ hai"),
    "times": ("lần",),
    "first": ("lần đầu", "đầu tiên", "thứ nhất"),
    "anniversary": ("kỷ niệm", "năm thành lập"),
    "annual": ("hằng năm", "hàng năm"),
    "target": ("mục tiêu", "chỉ tiêu"),
    "result": ("kết quả",),
    "second": ("thứ hai", "thứ 2"),
    "third": ("thứ ba", "thứ 3"),
    "first six months": ("6 tháng đầu năm", "sáu tháng đầu năm"),
    "first half": ("6 tháng đầu năm", "nửa đầu năm"),
    "last year": ("năm ngoái", "năm trước", "năm qua"),
    "this year": ("năm nay",),
    "phase": ("giai đoạn",),
    "milestone": ("mốc", "dấu mốc", "cột mốc"),
    "founded": ("thành lập",),
    "establish": ("thành lập", "thiết lập"),
    "goal": ("mục tiêu",),
    "objective": ("mục tiêu",),
    "outcome": ("kết quả",),
    "achievement": ("thành tựu", "thành quả", "kết quả"),
    "achieve": ("đạt", "đạt được"),
    "rate": ("tỷ lệ",),
    "proportion": ("tỷ lệ", "tỷ trọng"),
    "increase": ("tăng",),
    "decrease": ("giảm",),
    # --- development ------------------------------------------------------------------------
    "growth": ("tăng trưởng",),
    "growth pillar": ("trụ cột tăng trưởng", "cực tăng trưởng"),
    "growth pole": ("cực tăng trưởng",),
    "economic centre": ("trung tâm kinh tế",),
    "economic center": ("trung tâm kinh tế",),
    "centre": ("trung tâm",),
    "center": ("trung tâm",),
    "hub": ("trung tâm", "đầu mối"),
    "corridor": ("hành lang",),
    "economic corridor": ("hành lang kinh tế",),
    "development": ("phát triển",),
    "develop": ("phát triển",),
    "sustainable development": ("phát triển bền vững",),
    "field": ("lĩnh vực",),
    "area": ("lĩnh vực", "khu vực"),
    "sector": ("lĩnh vực", "ngành"),
    "potential": ("tiềm năng",),
    "advantage": ("lợi thế", "thế mạnh"),
    "opportunity": ("cơ hội",),
    "strength": ("thế mạnh", "điểm mạnh"),
    "difficulty": ("khó khăn",),
    "obstacle": ("vướng mắc", "khó khăn", "trở ngại"),
    "bottleneck": ("điểm nghẽn", "nút thắt"),
    "challenge": ("thách thức", "khó khăn"),
    "limitation": ("hạn chế",),
    "solution": ("giải pháp",),
    "measure": ("giải pháp", "biện pháp"),
    "task": ("nhiệm vụ",),
    "responsibility": ("trách nhiệm",),
    "in charge": ("phụ trách",),
    "sustainable": ("bền vững",),
    "rapid": ("nhanh",),
    "comprehensive": ("toàn diện",),
    "effective": ("hiệu quả",),
    "contribution": ("đóng góp",),
    "contribute": ("đóng góp", "góp phần"),
    "benefit": ("lợi ích", "thụ hưởng", "hưởng lợi"),
    "breakthrough": ("đột phá",),
    "driving force": ("động lực",),
    "priority": ("ưu tiên",),
    "impact": ("tác động", "ảnh hưởng"),
    "model": ("mô hình",),
    "pilot": ("thí điểm",),
    "typical": ("tiêu biểu", "điển hình"),
    "campaign": ("chiến dịch", "phong trào", "cuộc vận động"),
    # --- news language: speech, evaluation, actions -------------------------------------------
    "experience": ("kinh nghiệm", "trải nghiệm"),
    "share": ("chia sẻ", "tỷ trọng"),
    "lesson": ("bài học", "kinh nghiệm"),
    "speech": ("phát biểu", "bài phát biểu"),
    "speak": ("phát biểu",),
    "say": ("cho biết", "phát biểu", "nói"),
    "said": ("cho biết", "phát biểu", "nói"),
    "stated": ("khẳng định", "nêu rõ", "cho biết"),
    "affirm": ("khẳng định",),
    "emphasize": ("nhấn mạnh",),
    "emphasise": ("nhấn mạnh",),
    "stress": ("nhấn mạnh",),
    "highlight": ("nhấn mạnh", "nổi bật"),
    "recognize": ("ghi nhận", "công nhận"),
    "praise": ("biểu dương", "đánh giá cao", "khen ngợi"),
    "award": ("giải thưởng", "trao", "khen thưởng"),
    "assess": ("đánh giá",),
    "assessment": ("đánh giá",),
    "evaluate": ("đánh giá",),
    "report": ("báo cáo",),
    "announce": ("công bố", "thông báo"),
    "approve": ("phê duyệt", "thông qua", "chấp thuận"),
    "approval": ("phê duyệt", "thông qua", "chấp thuận"),
    "survey": ("khảo sát",),
    "manage": ("quản lý",),
    "management": ("quản lý",),
    "deploy": ("triển khai",),
    "boost": ("thúc đẩy", "đẩy mạnh"),
    "accelerate": ("đẩy nhanh", "thúc đẩy"),
    "strengthen": ("tăng cường", "củng cố"),
    "enhance": ("nâng cao", "tăng cường"),
    "improve": ("nâng cao", "cải thiện"),
    "expand": ("mở rộng",),
    "expansion": ("mở rộng",),
    # --- security, law enforcement, disputes --------------------------------------------------
    "police": ("công an", "cảnh sát"),
    "traffic police": ("cảnh sát giao thông", "CSGT"),
    "inspection": ("thanh tra", "kiểm tra"),
    "violation": ("vi phạm",),
    "penalty": ("xử phạt", "phạt"),
    "dispute": ("tranh chấp",),
    "court": ("tòa án", "toà án", "tòa", "toà"),
    "judgment": ("bản án", "phán quyết"),
    "judgement": ("bản án", "phán quyết"),
    "verdict": ("bản án",),
    "trial": ("xét xử", "phiên tòa"),
    "lawsuit": ("vụ kiện", "khởi kiện"),
    "fraud": ("lừa đảo", "gian lận"),
    "corruption": ("tham nhũng",),
    "security": ("an ninh",),
    "defence": ("quốc phòng",),
    "defense": ("quốc phòng",),
    "border guard": ("bộ đội biên phòng", "biên phòng"),
    "investigation": ("điều tra",),
    "accident": ("tai nạn",),
    "traffic accident": ("tai nạn giao thông",),
    # --- countries and world regions (Vietnamese press names) -----------------------------
    "japan": ("Nhật Bản",),
    "japanese": ("Nhật Bản",),
    "korea": ("Hàn Quốc",),
    "south korea": ("Hàn Quốc",),
    "korean": ("Hàn Quốc",),
    "china": ("Trung Quốc",),
    "chinese": ("Trung Quốc",),
    "laos": ("Lào",),
    "cambodia": ("Campuchia",),
    "thailand": ("Thái Lan",),
    "united states": ("Hoa Kỳ", "Mỹ"),
    "southeast asia": ("Đông Nam Á",),
    "south-east asia": ("Đông Nam Á",),
}

# ---------------------------------------------------------------------------------------
# Tokenisation and light English lemmatisation.

_WORD_RE = re.compile(r"[a-z0-9]+")
_POSSESSIVE_RE = re.compile(r"(?<=[a-z])['\u2019]s\b")


def _tokens(text: str) -> list[str]:
    """Lower-case ASCII word tokens; possessive 's dropped; hyphens split words."""
    text = _POSSESSIVE_RE.sub("", text.lower())
    return _WORD_RE.findall(text)


def _candidates(token: str) -> tuple[str, ...]:
    """The token followed by plausible base forms (plural, -ed, -ing)."""
    out = [token]
    n = len(token)
    if n > 4 and token.endswith("ies"):
        out.append(token[:-3] + "y")                     # industries -> industry
    if n > 4 and token.endswith("es"):
        out.append(token[:-2])                           # businesses -> business
    if n > 3 and token.endswith("s") and not token.endswith("ss"):
        out.append(token[:-1])                           # provinces -> province
    if n > 4 and token.endswith("ied"):
        out.append(token[:-3] + "y")                     # supplied -> supply
    if n > 4 and token.endswith("ed"):
        out += [token[:-2], token[:-1]]                  # signed -> sign, merged -> merge
        if token[-3] == token[-4]:
            out.append(token[:-3])                       # planned -> plan
    if n > 5 and token.endswith("ing"):
        out += [token[:-3], token[:-3] + "e"]            # signing -> sign, merging -> merge
        if token[-4] == token[-5]:
            out.append(token[:-4])                       # planning -> plan
    seen: list[str] = []
    for c in out:
        if c not in seen:
            seen.append(c)
    return tuple(seen)


@lru_cache(maxsize=None)
def _phrase_index() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First token -> [(key tokens, key)] sorted longest first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key in EN_TO_VI:
        toks = tuple(_tokens(key))
        index.setdefault(toks[0], []).append((toks, key))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


def _find_terms(question: str) -> list[str]:
    """Glossary keys found in the question, longest phrase first, in order of appearance."""
    tokens = _tokens(question)
    cands = [_candidates(t) for t in tokens]
    index = _phrase_index()
    found: list[str] = []
    i = 0
    while i < len(tokens):
        best: tuple[int, str] | None = None
        for c in cands[i]:                        # exact form first: it wins length ties
            for ktoks, key in index.get(c, ()):
                n = len(ktoks)
                if i + n > len(tokens) or (best is not None and n <= best[0]):
                    continue
                if all(ktoks[j] in cands[i + j] for j in range(1, n)):
                    best = (n, key)
        if best is None:
            i += 1
            continue
        found.append(best[1])
        i += best[0]
    return found


def expand_english_groups(question: str) -> list[tuple[str, ...]]:
    """For each glossary term of an English question, its Vietnamese equivalents (one group per term)."""
    return [EN_TO_VI[key] for key in _find_terms(question or "")]


def expand_english(question: str) -> list[str]:
    """Vietnamese equivalents of the glossary terms in an English question, de-duplicated, in order."""
    out: list[str] = []
    for key in _find_terms(question or ""):
        for vi in EN_TO_VI[key]:
            if vi not in out:
                out.append(vi)
    return out


# ---------------------------------------------------------------------------------------
# Language guess.

_EN_WORDS = frozenset("""
what which when where who whom whose why how is are was were be been being am did does do
done has have had will would should could might must shall the a of with without
in on at to for from by about into onto over under between among after before during since
until and or but not no nor than then this that these those there their they them it its he
she his her we our you your i me my many much more most some any all each every other such
what's who's how's year years month months day days time times number total amount list name
names according article mentioned say said tell give show describe explain happen happened
also only just still again first second third last next new old main major same different
per both either neither very too as if yet while because whether
""".split())

# Frequent diacritic-free Vietnamese syllables (kept disjoint from _EN_WORDS).
_VI_WORDS = frozenset("""
nam nao tinh hop tac ky ket voi cua cac nhung bao nhieu la gi ai khi o dau thi sao con da duoc
va cho co khong tai vi nhu cung den tu trong ngoai tren duoi sau truoc mot hai ba bon sau bay
tam chin muoi tram nghin ngan trieu ty ve ra vao len xuong nguoi dan nha nuoc viet thanh pho
huyen xa phuong trung uong chinh phu kinh te du lich doanh nghiep cong san pham phat trien hoi
nghi chu tich uy ban nhan linh vuc nganh thoa thuan ghi nho bien von dong gia tri lan thu nhat
ngay thang quy nay day kia ay rat hon deu dang se vua moi cu lai them bang theo qua toi chung
ta minh ho ong chi anh em giua giup ho tro dich vu hang hoa thi truong nong lam ngu thuy hai
dien mat troi gio cao toc duong cau cang khu cum tap doan tong to chuc khoa hoc nghe giao duc
dao tao y benh vien xuat nhap khau thuong mai sieu gio xay dung quan ly hanh su kien nhieu it
biet lam duoc roi chua bi boi vay neu khac nhau tung moi hien nay truoc ke hoach de an ninh
tang giam dat nguon luc bo ban so
""".split()) - _EN_WORDS

_VN_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
_VN_LETTERS = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)
_ANY_WORD_RE = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=None)
def _glossary_words() -> frozenset[str]:
    """Single English words of the glossary keys (content-word evidence for English)."""
    words = {t for key in EN_TO_VI for t in _tokens(key) if len(t) > 2}
    return frozenset(words - _VI_WORDS - {"ocop", "fdi", "mou"})


def _score(text: str) -> tuple[float, float]:
    """(English evidence, Vietnamese evidence) summed over the word tokens of ``text``."""
    en = vi = 0.0
    glossary_words = _glossary_words()
    for word in _ANY_WORD_RE.findall(unicodedata.normalize("NFC", text).lower()):
        if any(c in _VN_LETTERS for c in word):
            vi += 1
        elif not word.isascii():
            continue                                  # another script: no evidence
        elif word in _VI_WORDS:
            vi += 1
        elif word in _EN_WORDS or any(c in glossary_words for c in _candidates(word)):
            en += 1
        elif _VN_SYLLABLE_RE.fullmatch(word):
            vi += 0.5                                 # shaped like a Vietnamese syllable
        elif len(word) > 1:
            en += 0.5                                 # un-Vietnamese shape: English word or name
    return en, vi


def looks_english(text: str) -> bool:
    """True when ``text`` is most likely English rather than Vietnamese (with or without diacritics)."""
    en, vi = _score(text or "")
    return en >= 1 and en > vi
