; corpus/equivalent/x86_64-ident32-for-u32.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x250 (bvsub RSP (_ bv8 64))))
(let ((?x176 (bvadd ?x250 (_ bv8 64))))
(let (($x171 (and (distinct ?x176 RSP) true)))
(let (($x28 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x113 (= VM (_ bv0 1))))
(let (($x14 (= DF (_ bv0 1))))
(and $x14 $x113 (or $x28 $x171)))))))))
(check-sat)
