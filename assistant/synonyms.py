"""Vietnamese synonym groups of news reporting ("khởi công" / "động thổ", "du khách" / "khách du
lịch"): a question worded differently from the article still covers the same idea.

Only phrases a journalist uses interchangeably in this domain; loose pairs (tỉnh / địa phương) and
bare syllables inside unrelated compounds ("chi" in "chi nhánh") are left out on purpose.
A press acronym and its words (UBND / ủy ban nhân dân, KCN) are matched by text.ACRONYMS, not
listed here; groups here may still hold an acronym beside other wording ("thpt", "cấp 3").
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import fold, normalize

SYNONYMS: list[tuple[str, ...]] = [
    # ------------------------------------------------------------------
    # Government, administration, politics
    # ------------------------------------------------------------------
    ("sáp nhập", "hợp nhất"),
    ("sáp nhập tỉnh", "hợp nhất tỉnh", "nhập tỉnh"),
    ("sắp xếp đơn vị hành chính", "sáp nhập đơn vị hành chính"),
    ("bỏ cấp huyện", "không tổ chức cấp huyện", "xóa cấp huyện"),
    ("chính quyền địa phương hai cấp", "chính quyền hai cấp", "chính quyền 2 cấp", "mô hình 2 cấp"),
    ("tinh gọn", "tinh giản"),
    ("tinh giản biên chế", "cắt giảm biên chế", "giảm biên chế"),
    ("trung tâm hành chính công", "trung tâm phục vụ hành chính công", "bộ phận một cửa"),
    ("trực tuyến", "online", "qua mạng"),
    ("hồ sơ", "giấy tờ"),
    ("chấp thuận", "đồng ý"),
    ("đề xuất", "kiến nghị", "đề nghị"),
    ("chỉ đạo", "yêu cầu"),
    ("bãi bỏ", "xóa bỏ"),
    ("xử phạt", "phạt"),
    ("cuộc họp", "buổi họp", "phiên họp"),
    ("hội thảo", "tọa đàm"),
    ("thí điểm", "làm thử", "thử nghiệm"),
    ("tạm dừng", "tạm ngừng", "tạm hoãn"),
    ("dừng", "ngừng"),
    ("gia hạn", "lùi thời hạn", "kéo dài thời hạn"),
    ("dân số", "số dân"),
    ("người dân", "bà con"),
    ("cả nước", "toàn quốc"),
    ("toàn tỉnh", "cả tỉnh", "trên địa bàn tỉnh"),
    ("căn cước công dân", "cccd", "thẻ căn cước"),
    ("giấy chứng nhận quyền sử dụng đất", "sổ đỏ", "sổ hồng"),
    ("thu hồi đất", "lấy đất"),
    ("người khuyết tật", "người tàn tật"),
    ("người cao tuổi", "người già", "người cao niên"),
    ("trẻ em", "trẻ nhỏ"),
    ("đồng bào dân tộc thiểu số", "đồng bào dtts", "dân tộc thiểu số", "dtts"),
    ("miền núi", "vùng cao", "vùng núi"),
    ("việt kiều", "kiều bào", "người việt nam ở nước ngoài"),
    # ministries / departments (full name <-> abbreviation / short name)
    ("bộ giao thông vận tải", "bộ gtvt"),
    ("bộ nông nghiệp và phát triển nông thôn", "bộ nn&ptnt", "bộ nông nghiệp"),
    ("bộ giáo dục và đào tạo", "bộ gd&đt", "bộ gdđt", "bộ giáo dục"),
    ("tổng cục thống kê", "cục thống kê", "gso"),
    ("ngân hàng nhà nước", "nhnn"),
    # places / regions
    ("thành phố hồ chí minh", "tp.hcm", "tp hcm", "tphcm", "sài gòn"),
    ("hà nội", "thủ đô"),
    ("đồng bằng sông cửu long", "đbscl", "miền tây", "miền tây nam bộ"),
    ("việt nam", "nước ta"),
    ("hoa kỳ", "mỹ", "mĩ"),
    # ------------------------------------------------------------------
    # Inter-provincial / regional cooperation
    # ------------------------------------------------------------------
    ("ký kết", "kí kết"),
    ("biên bản ghi nhớ", "bản ghi nhớ", "mou"),
    ("liên kết vùng", "liên kết liên vùng", "hợp tác liên vùng", "kết nối vùng"),
    ("liên tỉnh", "giữa các tỉnh"),
    ("xúc tiến", "quảng bá"),
    ("trao đổi kinh nghiệm", "chia sẻ kinh nghiệm", "học hỏi kinh nghiệm"),
    ("hỗ trợ lẫn nhau", "giúp đỡ lẫn nhau", "tương trợ"),
    ("thế mạnh", "lợi thế", "điểm mạnh"),
    ("điểm nghẽn", "nút thắt"),
    ("trở ngại", "rào cản"),
    ("vướng mắc", "bất cập"),
    ("tháo gỡ", "gỡ vướng", "giải quyết vướng mắc"),
    ("hỗ trợ", "giúp đỡ", "trợ giúp"),
    ("triển khai", "thực hiện"),
    ("mục tiêu", "chỉ tiêu"),
    ("giai đoạn", "thời kỳ"),
    # ------------------------------------------------------------------
    # Economy, finance, trade, business
    # ------------------------------------------------------------------
    ("tổng sản phẩm trong nước", "gdp"),
    ("tổng sản phẩm trên địa bàn", "grdp"),
    ("chỉ số giá tiêu dùng", "cpi"),
    ("tăng mạnh", "tăng vọt", "tăng đột biến"),
    ("giảm mạnh", "giảm sâu", "lao dốc"),
    ("sụt giảm", "suy giảm", "giảm sút"),
    ("vượt kế hoạch", "vượt chỉ tiêu", "vượt mục tiêu"),
    ("dự kiến", "dự tính", "dự định", "theo kế hoạch"),
    ("ước tính", "ước đạt"),
    ("bình quân", "trung bình"),
    ("dẫn đầu", "đứng đầu", "đứng thứ nhất"),
    ("kinh phí", "chi phí"),
    ("kinh phí", "số tiền", "tiền"),
    ("tổng mức đầu tư", "tổng vốn đầu tư", "tổng kinh phí", "tổng chi phí"),
    ("vốn", "nguồn vốn"),
    ("ngân sách", "nguồn ngân sách"),
    ("phân bổ vốn", "bố trí vốn", "giao vốn"),
    ("bỏ ra", "chi ra", "chi tiêu"),
    ("tốn", "tiêu tốn", "ngốn"),
    ("doanh nghiệp", "công ty"),
    ("doanh nghiệp fdi", "doanh nghiệp có vốn đầu tư nước ngoài", "doanh nghiệp ngoại"),
    ("đầu tư trực tiếp nước ngoài", "fdi", "vốn ngoại"),
    ("thu hút đầu tư", "kêu gọi đầu tư", "mời gọi đầu tư"),
    ("rót vốn", "bơm vốn", "đầu tư vốn"),
    ("tạm ngừng kinh doanh", "tạm ngừng hoạt động", "tạm dừng hoạt động"),
    ("đóng cửa", "dừng hoạt động"),
    ("doanh thu", "doanh số"),
    ("có lãi", "có lợi nhuận"),
    ("thua lỗ", "báo lỗ", "lỗ"),
    ("tín dụng", "cho vay"),
    ("vay vốn", "vay"),
    ("kim ngạch xuất khẩu", "giá trị xuất khẩu"),
    ("kim ngạch xuất nhập khẩu", "kim ngạch thương mại"),
    ("xuất siêu", "thặng dư thương mại"),
    ("nhập siêu", "thâm hụt thương mại"),
    ("thuế giá trị gia tăng", "thuế gtgt", "thuế vat", "vat"),
    ("kích cầu", "kích thích tiêu dùng"),
    ("tăng giá", "lên giá", "đội giá"),
    ("giảm giá", "hạ giá", "xuống giá"),
    ("khuyến mãi", "khuyến mại"),
    ("đắt", "đắt đỏ", "giá cao"),
    ("chợ truyền thống", "chợ dân sinh"),
    ("thương mại điện tử", "tmđt"),
    ("mua sắm trực tuyến", "mua sắm online", "mua hàng online", "mua hàng qua mạng"),
    ("vận tải", "vận chuyển"),
    ("bất động sản", "nhà đất", "địa ốc", "bđs"),
    ("căn hộ chung cư", "chung cư", "căn hộ"),
    ("nhà máy", "xưởng", "nhà xưởng"),
    ("nhà máy", "xí nghiệp"),
    ("usd", "đô la mỹ", "đô la", "đôla"),
    ("tỷ", "tỉ"),
    ("nghìn", "ngàn"),
    ("phần trăm", "%"),
    ("khoảng", "chừng", "xấp xỉ", "khoảng chừng"),
    ("tối thiểu", "ít nhất"),
    ("tối đa", "nhiều nhất"),
    # time expressions used in statistics reporting
    ("quý i", "quý 1", "3 tháng đầu năm", "ba tháng đầu năm"),
    ("6 tháng đầu năm", "sáu tháng đầu năm", "nửa đầu năm", "nửa năm đầu"),
    ("năm ngoái", "năm trước"),
    ("hiện nay", "hiện tại"),
    ("sắp tới", "thời gian tới", "tới đây"),
    ("hằng năm", "hàng năm", "mỗi năm"),
    ("hằng ngày", "hàng ngày", "mỗi ngày"),
    # ------------------------------------------------------------------
    # Infrastructure, transport, construction, energy, environment
    # ------------------------------------------------------------------
    ("khởi công", "động thổ", "bắt đầu thi công", "bắt đầu xây dựng"),
    ("hoàn thành", "hoàn tất", "xong"),
    ("thông xe", "đưa vào khai thác", "đưa vào sử dụng"),
    ("đưa vào vận hành", "đưa vào hoạt động", "đi vào hoạt động"),
    ("khánh thành", "khai trương"),
    ("xây", "xây dựng"),
    ("làm đường", "xây đường", "xây dựng đường"),
    ("nhà thầu", "đơn vị thi công"),
    ("dự án trọng điểm", "công trình trọng điểm"),
    ("chậm tiến độ", "trễ tiến độ", "chậm trễ"),
    ("vượt tiến độ", "sớm hơn kế hoạch", "trước thời hạn"),
    ("giải phóng mặt bằng", "gpmb", "giải tỏa mặt bằng"),
    ("đền bù", "bồi thường"),
    ("đối tác công tư", "ppp"),
    ("hạ tầng", "cơ sở hạ tầng", "kết cấu hạ tầng"),
    ("cao tốc", "đường cao tốc", "tuyến cao tốc"),
    ("quốc lộ", "ql"),
    ("tỉnh lộ", "đường tỉnh"),
    ("đường xá", "đường sá", "đường giao thông"),
    ("đường sắt tốc độ cao", "đường sắt cao tốc"),
    ("đường sắt đô thị", "metro", "tàu điện ngầm"),
    ("đường sắt", "đường tàu"),
    ("tàu hỏa", "tàu lửa", "xe lửa"),
    ("nút giao", "nút giao thông", "giao lộ"),
    ("trạm thu phí", "trạm bot"),
    ("sân bay", "cảng hàng không", "phi trường"),
    ("máy bay", "tàu bay"),
    ("hãng hàng không", "hãng bay"),
    ("ùn tắc", "kẹt xe", "tắc đường", "ách tắc"),
    ("tai nạn giao thông", "tngt"),
    ("ô tô", "ôtô", "xe hơi"),
    ("xe máy", "xe gắn máy"),
    ("xe khách", "xe đò"),
    ("sửa chữa", "tu sửa"),
    ("năng lượng tái tạo", "năng lượng xanh", "năng lượng sạch"),
    ("kwh", "số điện"),
    ("mất điện", "cắt điện", "cúp điện"),
    ("tiền điện", "hóa đơn tiền điện", "hóa đơn điện"),
    ("nước sạch", "nước sinh hoạt"),
    ("rác thải", "chất thải", "rác"),
    ("khí thải", "phát thải"),
    ("thiên tai", "thảm họa thiên nhiên"),
    ("sạt lở", "sạt lở đất", "lở đất"),
    ("ngập lụt", "ngập úng"),
    ("hạn hán", "khô hạn"),
    ("xâm nhập mặn", "nhiễm mặn", "hạn mặn"),
    ("km", "cây số", "ki-lô-mét"),
    ("ha", "hecta", "héc-ta"),
    # ------------------------------------------------------------------
    # Agriculture, forestry, fisheries
    # ------------------------------------------------------------------
    ("nông dân", "người nông dân", "bà con nông dân", "nhà nông"),
    ("nông sản", "sản phẩm nông nghiệp", "hàng nông sản"),
    ("vụ mùa", "mùa vụ"),
    ("được mùa", "bội thu"),
    ("mất mùa", "thất thu"),
    ("gieo cấy", "xuống giống"),
    ("diện tích gieo trồng", "diện tích canh tác"),
    ("đất nông nghiệp", "đất canh tác", "đất sản xuất nông nghiệp"),
    ("đất lúa", "đất trồng lúa", "ruộng lúa"),
    ("vùng trồng", "vùng nguyên liệu"),
    ("đầu ra", "thị trường tiêu thụ"),
    ("giải cứu", "hỗ trợ tiêu thụ"),
    ("thương lái", "lái buôn"),
    ("trang trại", "nông trại"),
    ("ocop", "mỗi xã một sản phẩm"),
    ("nông thôn mới", "ntm"),
    ("nông nghiệp công nghệ cao", "nông nghiệp ứng dụng công nghệ cao"),
    ("thuốc bảo vệ thực vật", "thuốc bvtv", "thuốc trừ sâu"),
    ("sâu bệnh", "dịch hại"),
    ("dịch tả lợn châu phi", "dịch tả heo châu phi", "dtlcp"),
    ("lợn", "heo"),
    ("ngô", "bắp"),
    ("lạc", "đậu phộng"),
    ("sắn", "khoai mì"),
    ("vừng", "mè"),
    ("chè", "trà"),
    ("cà phê", "cafe", "cà-phê"),
    ("trái cây", "hoa quả"),
    ("thủy sản", "thủy hải sản"),
    # ------------------------------------------------------------------
    # Tourism, culture, holidays
    # ------------------------------------------------------------------
    ("du khách", "khách du lịch", "lượt khách", "khách tham quan"),
    ("khách quốc tế", "khách nước ngoài", "du khách nước ngoài", "khách ngoại"),
    ("khách nội địa", "khách trong nước", "du khách trong nước"),
    ("khách đoàn", "đoàn khách"),
    ("doanh thu du lịch", "tổng thu từ du lịch", "tổng thu du lịch"),
    ("điểm đến", "điểm du lịch"),
    ("khu nghỉ dưỡng", "resort"),
    ("cơ sở lưu trú", "nơi lưu trú"),
    ("tour", "chương trình du lịch"),
    ("công ty lữ hành", "doanh nghiệp lữ hành", "hãng lữ hành", "công ty du lịch"),
    ("mùa cao điểm", "cao điểm du lịch"),
    ("kỳ nghỉ lễ", "dịp lễ", "nghỉ lễ"),
    ("tết nguyên đán", "tết âm lịch", "tết cổ truyền"),
    ("quốc khánh", "lễ 2/9", "dịp 2/9"),
    ("30/4", "ngày giải phóng miền nam", "ngày thống nhất đất nước"),
    ("vé tham quan", "vé vào cửa"),
    ("danh lam thắng cảnh", "thắng cảnh", "cảnh đẹp"),
    ("lễ hội", "festival"),
    ("du thuyền", "tàu du lịch"),
    ("thị thực", "visa"),
    # ------------------------------------------------------------------
    # Labour, employment, wages, social insurance
    # ------------------------------------------------------------------
    ("người lao động", "công nhân", "nlđ"),
    ("lao động", "nhân lực"),
    ("nhân lực", "nguồn nhân lực", "nguồn lao động"),
    ("thiếu lao động", "thiếu nhân lực", "thiếu người làm"),
    ("lao động có tay nghề", "lao động lành nghề", "lao động có kỹ năng"),
    ("việc làm", "công ăn việc làm"),
    ("tìm việc", "tìm việc làm", "kiếm việc"),
    ("tuyển dụng", "tuyển lao động", "tuyển người"),
    ("thất nghiệp", "mất việc", "mất việc làm"),
    ("nghỉ việc", "thôi việc"),
    ("sa thải", "cho thôi việc", "đuổi việc"),
    ("cắt giảm lao động", "cắt giảm nhân sự", "giảm lao động"),
    ("xuất khẩu lao động", "xklđ", "đi làm việc ở nước ngoài", "sang nước ngoài làm việc", "đi lao động nước ngoài"),
    ("tiền lương", "lương", "tiền công"),
    ("tăng ca", "làm thêm giờ", "làm ngoài giờ"),
    ("bảo hiểm thất nghiệp", "bhtn"),
    ("nghỉ hưu", "về hưu", "hưu trí"),
    ("nhà trọ", "phòng trọ", "khu nhà trọ"),
    ("đào tạo nghề", "dạy nghề", "học nghề"),
    # ------------------------------------------------------------------
    # Health
    # ------------------------------------------------------------------
    ("bệnh viện", "bv"),
    ("bệnh viện tư", "bệnh viện tư nhân", "bệnh viện ngoài công lập"),
    ("nhập viện", "vào viện"),
    ("xuất viện", "ra viện"),
    ("chuyển viện", "chuyển tuyến"),
    ("cơ sở y tế", "cơ sở khám chữa bệnh"),
    ("trạm y tế", "trạm y tế xã", "trạm xá"),
    ("bác sĩ", "bác sỹ"),
    ("nhân viên y tế", "cán bộ y tế", "y bác sĩ"),
    ("điều dưỡng", "y tá"),
    ("bệnh nhân", "người bệnh"),
    ("ca bệnh", "ca mắc", "trường hợp mắc"),
    ("tử vong", "chết", "thiệt mạng", "qua đời"),
    ("dịch bệnh", "bệnh dịch"),
    ("covid-19", "covid", "corona"),
    ("sốt xuất huyết", "sxh"),
    ("tiêm chủng", "tiêm vắc xin", "tiêm phòng"),
    ("vắc xin", "vắc-xin", "vaccine", "vacxin"),
    ("tiêm", "chích"),
    ("khám chữa bệnh", "khám bệnh", "kcb"),
    ("viện phí", "chi phí điều trị"),
    ("dược phẩm", "thuốc men", "thuốc chữa bệnh"),
    ("phẫu thuật", "mổ"),
    ("đột quỵ", "tai biến mạch máu não"),
    ("tăng huyết áp", "cao huyết áp", "huyết áp cao"),
    ("tiểu đường", "đái tháo đường"),
    ("ngộ độc thực phẩm", "ngộ độc thức ăn"),
    ("an toàn thực phẩm", "vệ sinh an toàn thực phẩm", "attp", "vsattp"),
    # ------------------------------------------------------------------
    # Education
    # ------------------------------------------------------------------
    ("trường học", "nhà trường", "ngôi trường"),
    ("trường công", "trường công lập"),
    ("trường tư", "trường tư thục", "trường ngoài công lập"),
    ("mầm non", "mẫu giáo"),
    ("tiểu học", "cấp 1", "cấp một"),
    ("trung học cơ sở", "thcs", "cấp 2", "cấp hai"),
    ("trung học phổ thông", "thpt", "cấp 3", "cấp ba"),
    ("giáo viên", "thầy cô", "thầy cô giáo", "nhà giáo", "gv"),
    ("thí sinh", "sĩ tử"),
    ("học phí", "tiền học"),
    ("kỳ thi tốt nghiệp thpt", "thi tốt nghiệp thpt", "thi tốt nghiệp", "kỳ thi thpt quốc gia"),
    ("tuyển sinh lớp 10", "thi vào lớp 10", "thi lớp 10"),
    ("điểm chuẩn", "điểm trúng tuyển"),
    ("sách giáo khoa", "sgk"),
    ("dạy thêm", "học thêm"),
    ("học trực tuyến", "học online"),
    ("tốt nghiệp", "ra trường"),
    ("du học", "đi du học", "học ở nước ngoài"),
    # ------------------------------------------------------------------
    # Non-tone spelling variants (i/y) common in administrative text
    # ------------------------------------------------------------------
    ("quản lý", "quản lí"),
    ("kỹ thuật", "kĩ thuật"),
]


_WORD_RE = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _phrase_index() -> tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], int], int]:
    """Members as word tuples -> group number, with diacritics (tone-normalised) and folded; and
    the most words a member has."""
    exact: dict[tuple[str, ...], int] = {}
    folded: dict[tuple[str, ...], int] = {}
    for i, group in enumerate(SYNONYMS):
        for member in group:
            exact.setdefault(tuple(_WORD_RE.findall(normalize(member).lower())), i)
            words = tuple(_WORD_RE.findall(fold(member)))
            if len(words) > 1:  # one folded syllable is too ambiguous ("lon": lợn or lớn)
                folded.setdefault(words, i)
    return exact, folded, max(len(k) for k in exact)


def synonym_groups(question: str, accent_free: bool) -> list[tuple[str, tuple[str, ...]]]:
    """(the question's words, their synonym group) for each group member the question uses."""
    exact, folded, longest = _phrase_index()
    index = folded if accent_free else exact
    words = _WORD_RE.findall(fold(question) if accent_free else normalize(question).lower())
    found: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            group = index.get(tuple(words[i:i + n]))
            if group is not None:
                found.append((" ".join(words[i:i + n]), SYNONYMS[group]))
                i += n
                break
        else:
            i += 1
    return found
