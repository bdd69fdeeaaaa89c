"""What a question asks for, and whether a sentence holds it."""

import pytest

from assistant.questions import analyse_question
from assistant.qtypes import asked_units, question_types, satisfies


def holds(kind, text, question):
    """satisfies() for a question given as text."""
    return satisfies(kind, text, analyse_question(question))


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Tổng kinh phí của chương trình là bao nhiêu?", {"money", "count"}),
        # the budget is the topic; who is asked for
        ("TP.HCM kêu gọi ai hỗ trợ kinh phí an sinh xã hội?", {"person"}),
        ("How long has the partnership lasted?", {"duration"}),
        ("hop tac bao lau roi", {"duration"}),
        ("Which Ca Mau provincial official spoke about erosion?", {"person"}),
        ("Rừng ngập mặn rộng bao nhiêu héc-ta?", {"count", "unit"}),
        # an amount of money asked without naming money
        ("How much is Quang Ninh putting into the new expressway?", {"money", "count"}),
        ("Quảng Ninh bố trí bao nhiêu?", {"money", "count"}),
        ("dau tu bao nhieu du an", {"count"}),  # projects are counted, not paid
        # English asks for a quantity by naming it
        ("What total power generation capacity do the provinces want by 2030?", {"count"}),
        ("What is the name of the project?", set()),
        # prices people pay or earn are money
        ("tuyen metro gia ve bao nhieu 1 luot?", {"money", "price", "count"}),
        ("What will a ticket cost?", {"money", "price"}),
        ("gia ca phe hom nay bao nhieu 1 kg", {"money", "price", "count"}),
        # accent-folded "gia" of other words, and "fee" inside "feed", ask no price
        ("tham gia bao nhieu doanh nghiep?", {"count"}),
        ("Gia Lai co bao nhieu nha may?", {"count"}),
        ("duong bang san bay rach gia dai bao nhieu?", {"length", "count"}),  # Rạch Giá, no price
        ("How many stations will feed data to the centre?", {"count"}),
        # a company, investor, contractor or hospital is asked for, not a person
        ("Nhà thầu nào thi công cao tốc?", {"organisation"}),
        ("cty nao bao tieu nong san?", {"organisation"}),
        ("Which Japanese companies leased space in the data centre?", {"organisation"}),
        ("Who is investing in the cold logistics hub?", {"organisation"}),
        ("Hãng nào khai thác đường bay?", {"organisation"}),
        # typed without marks, "hang nao" is as often hàng (goods) or hạng (class)
        ("duong bay nay hang nao khai thac?", set()),
        # "when" asks for a time only as a question word, not inside a clause
        ("What loss does the crab suffer when it is trucked to the city?", set()),
        ("Which airline will resume the route, and when?", {"organisation", "year"}),
        ("What share of GRDP will logistics costs be?", {"percent", "count"}),
        # a length is in km, not a duration
        ("How long is the expressway?", {"length"}),
        ("How long will construction take?", {"duration"}),
        ("What was the average length of stay for visitors?", set()),
        # a measured quantity asked without its unit
        ("Dân số Hà Nội là bao nhiêu?", {"count", "measure"}),
        ("What is the population of Hanoi?", {"count", "measure"}),
        ("Nhà máy có công suất bao nhiêu MW?", {"count", "unit"}),  # the unit asked is checked
        ("Dân số Hà Nội tăng vì sao?", set()),  # no figure asked
        # a cue is a whole word: "Costa" is no "cost", "vệ tinh nào" no "tỉnh nào"
        ("Vì sao ông Costa thua kiện?", set()),
        ("Vệ tinh nào được phóng?", set()),
        ("ve tinh nao dung cang nay", {"province"}),  # without diacritics it may be "về tỉnh nào"
        # with diacritics a cue is read as written: "khí nào" (which gas) is no "khi nào" (when),
        # "quyền lực nào" no "lúc nào", "nam công nhân" (male workers) no "năm" (years)
        ("Nhà máy phân bón dùng loại khí nào làm nguyên liệu?", set()),
        ("Hội đồng mới có những quyền lực nào?", set()),
        ("Xưởng tuyển bao nhiêu nam công nhân?", {"count"}),
        ("Nhà máy khởi công lúc nào?", {"year"}),
        ("nha may khoi cong luc nao", {"year"}),
        ("Đà Nẵng khởi công nhà máy luc nao", {"year"}),  # the cue typed plain beside accented names
        ("Hợp đồng thuê đất có thời hạn bao nhiêu năm?", {"count", "duration"}),
        ("Chuyên gia về lĩnh vực gì?", set()),
        ("Giá trị cốt lõi là gì?", set()),
        ("Hóa thạch có niên đại bao nhiêu năm?", {"count", "duration"}),  # an age, not a length
        ("Đơn giá là bao nhiêu một tấn?", {"count", "money", "price"}),  # per tonne: no unit asked
    ],
)
def test_question_types(question, expected):
    assert question_types(question) == expected


def test_a_who_question_about_helpers_is_answered_by_groups_but_an_identity_question_needs_a_name():
    groups = "TP.HCM mời gọi các tập đoàn, các doanh nghiệp, các nhà hảo tâm hỗ trợ kinh phí."
    assert holds("person", groups, "TP.HCM kêu gọi ai hỗ trợ kinh phí?")
    assert not holds("person", groups, "Ai là giám đốc Sở Y tế?")
    assert holds("person", "Giám đốc Sở Y tế Nguyễn Văn An cho biết.", "Ai là giám đốc Sở Y tế?")


@pytest.mark.parametrize(
    "kind, text, question, expected",
    [
        ("year", "ký kết lần đầu năm 2003", "năm nào?", True),
        ("year", "ký kết lần đầu", "năm nào?", False),
        ("duration", "đã tròn 20 năm", "bao lâu?", True),
        ("duration", "rút từ 3,5 giờ xuống còn 1,5 giờ", "còn mất bao lâu?", True),
        ("duration", "sớm hơn kế hoạch", "mất bao lâu?", False),
        ("money", "tổng vốn 3.426 tỷ đồng", "bao nhiêu tiền?", True),
        ("money", "3.426 dự án", "bao nhiêu tiền?", False),
        # a magnitude is not money without a currency
        ("money", "nâng công suất lên 8,5 triệu tấn", "tốn bao nhiêu tiền?", False),
        ("money", "tổng mức đầu tư khoảng 18.950 tỷ", "bao nhiêu tiền?", True),
        ("money", "giá 1,2 triệu đồng/khách", "giá vé bao nhiêu?", True),
        ("money", "chi phí giảm 20-25%", "How much did costs drop?", True),  # by a share
        # a price is what one pays or earns, not billions of investment or a share of something else
        ("price", "giá 990.000 đồng/thẻ", "Thẻ giá bao nhiêu?", True),
        ("price", "mức lương tối thiểu 8 triệu đồng/tháng", "luong khoi diem bao nhieu?", True),
        ("price", "tổng mức đầu tư 7.938 tỷ đồng", "Giá vé bao nhiêu?", False),
        ("price", "xuất khẩu đạt 1,84 tỷ USD, tăng 27%", "Giá vé bao nhiêu?", False),
        ("price", "giá tour rẻ hơn 12-15%", "gia tour re hon bao nhieu?", True),
        ("organisation", "Dự án do Công ty CP Kho vận Tây Nam Bộ đầu tư", "Ai đầu tư?", True),
        ("place", "xây cảng hậu cần tại khu vực Trần Đề (Cần Thơ)", "Xây ở đâu?", True),
        ("place", "triển khai tại khu vực này trong năm tới", "Xây ở đâu?", False),
        ("place", "thả 4,2 triệu con giống tại đầm Cù Mông", "thả ở đâu?", True),
        ("place", "kêu gọi đầu tư về các doanh nghiệp Hàn Quốc", "ở đâu?", False),
        ("organisation", "Sun PhuQuoc Airways mở đường bay Phú Quốc – Côn Đảo", "Hãng nào?", True),
        ("organisation", "Tỉnh đang kêu gọi các nhà đầu tư", "Nhà đầu tư nào?", False),
        ("percent", "chiếm khoảng 18% GRDP", "bao nhiêu phần trăm?", True),
        # a number the question itself names is not the count it asks for
        ("count", "giai đoạn 2 của dự án", "giai đoạn 2 có bao nhiêu hạng mục?", False),
        ("count", "giai đoạn 2 có 5 hạng mục", "giai đoạn 2 có bao nhiêu hạng mục?", True),
        ("province", "hợp tác với tỉnh Nghệ An", "tỉnh nào?", True),
        ("length", "tuyến dài khoảng 207 km", "dài bao nhiêu?", True),
        ("length", "tổng vốn 120.400 tỷ đồng", "dài bao nhiêu?", False),
        ("place", "diễn ra tại TP Buôn Ma Thuột", "ở đâu?", True),
        # naming a province is not saying where something happens
        ("place", "Dự lễ có Phó Chủ tịch UBND TP.HCM Lâm Quốc Bảo", "Lễ ký kết diễn ra ở đâu?", False),
        # a year of any century when "năm" introduces it, and a century
        ("year", "đến Pháp, Anh và Ý sớm nhất là năm 1519", "lan sang Pháp khi nào?", True),
        ("year", "kéo dài cho đến thế kỷ 19", "dùng đến khi nào?", True),
        ("year", "đón 1519 lượt khách", "khi nào?", False),
        # a count spelled out, but not one the question names, nor "đầu tư" or a name such as "Ba Bể"
        ("count", "đội đã vô địch sáu lần", "Đội vô địch bao nhiêu lần?", True),
        ("count", "tuyến du lịch giữa hai địa phương", "Hai địa phương có bao nhiêu tuyến?", False),
        ("count", "kêu gọi đầu tư các dự án", "Có bao nhiêu dự án?", False),
        ("count", "tour quanh hồ Ba Bể", "Có bao nhiêu khách?", False),
        # a foreign name without diacritics is a person; a province written so is not
        ("person", "Peyton Manning dẫn đầu đội", "Ai là đội trưởng?", True),
        ("person", "bản dịch của John C. Messenger", "Ai là dịch giả?", True),
        # a name whose words open with a capital carrying diacritics
        ("person", "Giám đốc là Lê Thị Ánh.", "Ai là giám đốc?", True),
        ("person", "Giám đốc là người địa phương.", "Ai là giám đốc?", False),
        ("person", "hợp tác với Gia Lai và Kon Tum", "Ai là dịch giả?", False),
        ("money", "nhận 5 triệu đô la tiền mặt", "Nhận bao nhiêu tiền?", True),
        # "X years ago", and a duration spelled out
        ("year", "xảy ra khoảng 66 triệu năm trước", "xảy ra khi nào?", True),
        ("duration", "chứng chỉ kéo dài đến mười năm", "kéo dài bao lâu?", True),
        ("duration", "chứng chỉ do sở cấp", "kéo dài bao lâu?", False),
        # a capitalised name right after "qua", "thăm", "sang" is a place
        ("place", "Kenyatta đến thăm Trung Quốc theo lời mời", "Ông đến thăm nơi nào?", True),
        ("place", "sông chảy qua Hẻm núi Rhine", "Sông chảy ở đâu?", True),
        ("place", "hàng xuất sang các nước", "Hàng xuất đi đâu?", False),
        # a foreign company needs no "Công ty"; a name the question gives, or a Vietnamese one
        # typed without diacritics, is not the answer
        ("organisation", "cả BSkyB và Virgin Media đều đồng ý", "Công ty nào đồng ý với BSkyB?", True),
        ("organisation", "cả BSkyB và Virgin Media đều đồng ý", "Công ty nào đồng ý với Virgin Media?", True),
        ("organisation", "BSkyB đồng ý", "Công ty nào đồng ý với BSkyB?", False),
        ("organisation", "Hai tỉnh duyên hải Nam Trung Bộ kêu gọi", "Nhà đầu tư nào?", False),
        # one foreign name answers "ai", but not a name the question gives
        ("person", "Simon làm quản lý đầu tiên của cơ quan", "Ai là người quản lý đầu tiên?", True),
        ("person", "Tesla nhận được đề nghị", "Tesla nhận được gì từ ai?", False),
        # a measured quantity asked without its unit: a figure in its unit or right after its noun
        ("measure", "cho 800 học sinh dân tộc thiểu số mỗi năm", "Dân số Hà Nội là bao nhiêu?", False),
        ("measure", "Hà Nội có dân số khoảng 8,5 triệu", "Dân số Hà Nội là bao nhiêu?", True),
        ("measure", "Hà Nội có 8,5 triệu dân", "What is the population of Hanoi?", True),
        ("measure", "có diện tích 3.942,62 km², dân số 4.412.264 người", "dien tich tinh moi la bao nhieu", True),
        ("measure", "tổng vốn 3.942 tỷ đồng", "dien tich tinh moi la bao nhieu", False),
        ("measure", "công suất thiết kế 1.200 MW", "Nhà máy có công suất bao nhiêu?", True),
        ("measure", "dành tối thiểu 1.500 chỉ tiêu mỗi năm", "How many people live in Da Nang?", False),
        ("measure", "Đà Nẵng có 1,2 triệu người", "How many people live in Da Nang?", True),
        ("measure", "GDP năm 2024 đạt 476 tỷ USD", "GDP của Việt Nam năm 2024 là bao nhiêu?", True),
        ("measure", "hơn 200 doanh nghiệp tham dự", "GDP của Việt Nam năm 2024 là bao nhiêu?", False),
        # an age in millions of years, an area in "km vuông", a ratio when a ratio is asked
        ("duration", "hóa thạch có niên đại 515 triệu năm", "Hóa thạch có niên đại bao nhiêu năm?", True),
        ("unit", "trong đó có 5.500.000 km vuông", "Rừng bao phủ bao nhiêu km vuông?", True),
        ("percent", "với tỷ lệ 20:1", "Tỷ lệ người Anh so với người Pháp là bao nhiêu?", True),
        ("percent", "lúc 3:08", "Tăng bao nhiêu phần trăm?", False),
        # years before the present or the common era, a span of years; a place after "giữa"
        ("year", "bắt đầu từ ~74.000 (BP = Trước hiện tại)", "Bắt đầu khi nào?", True),
        ("year", "xây năm 221 TCN", "Xây khi nào?", True),
        ("year", "chỉ trị vì hai năm, từ 1321 đến 1323.", "Khi nào ông là hoàng đế?", True),
        ("year", "từ 300 đến 500 con mỗi đàn", "Khi nào?", False),
        ("place", "nằm giữa P và PSPACE", "Nằm ở đâu?", True),
        ("place", "đặt tại chân đèo Ô Quy Hồ", "Trung tâm đặt ở đâu?", True),  # a capital with diacritics
        # a price in cents; "một tấn" after "bao nhiêu" is per tonne, not a quantity in tonnes
        ("price", "giá khoảng 6,95 US cent/kWh", "EVN mua điện với giá bao nhiêu?", True),
        ("price", "ở mức 385.000 đồng/tấn", "Đơn giá là bao nhiêu một tấn?", True),
    ],
)
def test_holds(kind, text, question, expected):
    assert holds(kind, text, question) is expected


@pytest.mark.parametrize(
    "question, units",
    [
        ("Rừng ngập mặn rộng bao nhiêu héc-ta?", ["ha"]),
        ("sản lượng bao nhiêu nghìn tấn", ["tấn"]),  # one word may come between
        ("How many tonnes of rice were exported?", ["tấn"]),
        ("cao toc dai bao nhieu km", ["km"]),
        ("Rút ngắn bao nhiêu phút?", ["phút"]),
        ("quang ngai rong bao nhieu km vuong?", ["km²"]),  # the longest spelling: km², not km
        # a unit named elsewhere in the question is not what it asks for
        ("Tuyến cao tốc 42 km có tổng vốn bao nhiêu?", []),
    ],
)
def test_asked_units(question, units):
    assert asked_units(question) == units, question


@pytest.mark.parametrize(
    "text, question, expected",
    [
        ("An Giang dẫn đầu với 61.200 ha", "bao nhiêu héc-ta?", True),
        ("tiếp nhận tàu trọng tải đến 100.000 DWT", "cang don duoc tau bao nhieu tan", True),  # tonnage
        ("sản lượng hơn 3,9 triệu tấn", "How many tonnes?", True),
        ("xâm nhập sâu từ 45 đến 65 km", "bao nhieu km", True),
        ("diện tích 61.200 ha", "bao nhiêu tấn?", False),
        ("năm 2025 Hà Nội", "bao nhieu ha", False),  # "Hà" is not the unit
        ("Sản lượng 95.000 tấn", "bao nhiêu tấn?", True),
        ("diện tích hơn 14.800 km²", "rộng bao nhiêu km vuông?", True),
        ("tuyến dài 14 km", "rộng bao nhiêu km vuông?", False),
        ("nhà máy công suất 100MW", "bao nhiêu MW?", True),
    ],
)
def test_a_unit_question_needs_a_number_in_that_unit(text, question, expected):
    assert holds("unit", text, question) is expected
    nfd = __import__("unicodedata").normalize("NFD", text)
    assert holds("unit", nfd, question) is expected, "an NFD article is read the same"


def test_which_official_needs_a_name_not_a_body():
    question = "Which Ca Mau provincial official spoke about coastal erosion?"
    assert not holds("person", "UBND các tỉnh An Giang, Cà Mau tổ chức hội nghị.", question)
    assert holds("person", "Phó chủ tịch UBND tỉnh Cà Mau Nguyễn Thị Hồng Nhung cho biết", question)


@pytest.mark.parametrize(
    "question, noun",
    [
        ("Bến xe có bao nhiêu trụ sạc?", ("trụ",)),
        ("Tỉnh đón bao nhiêu lượt khách du lịch?", ("lượt", "khách")),  # a classifier, or the noun after it
        ("ben xe co bao nhieu tru sac", ("tru",)),
        ("Kế hoạch có mấy nội dung chính?", ("nội", "chính")),  # a general noun, or the word after it
        ("How many students did the school admit?", ("sinh", "vien", "hoc")),  # from the glossary, folded
        ("hiep hoi co bao nhieu dn thanh vien", ("dn", "doanh nghiep")),  # an acronym and its words
        # counting nothing named, or a figure of its own kind
        ("Hợp tác kéo dài bao nhiêu năm?", ()),
        ("Tỉnh góp bao nhiêu tiền?", ()),
        ("Rừng rộng bao nhiêu héc-ta?", ()),
        ("Số dự án là bao nhiêu?", ()),
        ("How many zorblats are there?", ()),  # a word the glossary does not know
    ],
)
def test_counted_noun(question, noun):
    assert analyse_question(question).count_noun == noun, question


@pytest.mark.parametrize(
    "text, question, expected",
    [
        ("Bến xe có 120 trụ sạc.", "Bến xe có bao nhiêu trụ sạc?", True),
        ("Mỗi năm có khoảng 62.000 lượt xe.", "Bến xe có bao nhiêu trụ sạc?", False),
        ("Tỉnh đón 3,35 triệu lượt khách.", "Tỉnh đón bao nhiêu lượt khách du lịch?", True),
        ("Cảng đạt 152,4 triệu tấn hàng.", "Tỉnh đón bao nhiêu lượt khách du lịch?", False),
        ("Trường tuyển 1.500 sinh viên.", "How many students did the school admit?", True),
        ("Kỷ niệm 70 năm thành lập trường.", "How many students did the school admit?", False),
        ("Hiệp hội có 500 doanh nghiệp thành viên.", "hiep hoi co bao nhieu dn thanh vien", True),
        ("Kế hoạch gồm 3 phần chính.", "Kế hoạch có mấy nội dung chính?", True),
        # a bare noun may be a mass measured in a unit; what a classifier opens is counted
        ("Trạm bán khoảng 12 m3 mỗi ngày.", "Trạm bán bao nhiêu xăng?", True),
        ("Cảng đạt 152,4 triệu tấn hàng.", "Tỉnh đón bao nhiêu lượt khách?", False),
    ],
)
def test_a_count_needs_the_thing_counted(text, question, expected):
    assert holds("count", text, question) is expected


def test_every_vietnamese_cue_spelling_folds_to_its_cue():
    from assistant.qtypes import _QTYPES, _VI_CUE_SPELLINGS
    from assistant.text import fold

    cues = {cue for kind_cues in _QTYPES.values() for cue in kind_cues}
    for cue, spellings in _VI_CUE_SPELLINGS.items():
        assert cue in cues, f"{cue!r} is no cue of any kind"
        for spelling in spellings:
            assert fold(spelling) == cue.strip(" ?"), f"{spelling!r} does not fold to {cue!r}"
