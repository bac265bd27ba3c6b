"""Numbered items of business (rag.answer.items): which items a text names."""
from __future__ import annotations

from rag.answer.items import item_numbers, names_other_items


def test_items_by_kind_with_the_range_a_report_names():
    named = item_numbers("日程第15議案第132号「専決処分の承認について」から日程第17議案第134号「補正予算」まで")
    assert named == {"日程": {15, 16, 17}, "議案": {132, 133, 134}}
    assert item_numbers("日程第四十一　第5号議案及び第7号議案") == {"日程": {41}, "議案": {5, 7}}  # 「及び」 is no range
    assert item_numbers("第二に、予算について") == {}


def test_other_items_of_the_kind_asked_contradict_the_question():
    asked = item_numbers("議案第171号は委員会に付託されましたか")
    assert names_other_items(asked, "議案第133号から議案第145号までを一括議題といたします")
    assert not names_other_items(asked, "ただいま議題となっております議案第171号については")
    assert not names_other_items(asked, "請願第3号について")  # another kind says nothing about this one
    assert not names_other_items(asked, "本給付金に係る予算については")
    assert not names_other_items({}, "議案第1号")
