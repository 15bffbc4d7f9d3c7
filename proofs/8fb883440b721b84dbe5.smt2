; corpus/equivalent/x86_64-dead-stack-write.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x9 (bvsub RSP (_ bv8 64))))
(let ((?x14 (bvadd ?x9 (_ bv8 64))))
(let (($x207 (and (distinct ?x14 RSP) true)))
(let (($x42 (and (distinct (_ bv18446744071578845193 64) (_ bv18446744071578845193 64)) true)))
(let (($x123 (= VM (_ bv0 1))))
(let (($x297 (= DF (_ bv0 1))))
(and $x297 $x123 (or $x42 $x207)))))))))
(check-sat)
