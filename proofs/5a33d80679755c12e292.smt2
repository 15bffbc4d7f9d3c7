; corpus/equivalent/x86_64-ident32-for-u32.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x67 (bvsub RSP (_ bv8 64))))
(let ((?x211 (bvadd ?x67 (_ bv8 64))))
(let (($x136 (and (distinct ?x211 RSP) true)))
(let (($x141 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x201 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x82 (= TF (_ bv0 1))))
(let (($x80 (= VM (_ bv0 1))))
(let (($x109 (= DF (_ bv0 1))))
(and $x109 $x80 $x82 $x201 (or $x141 $x136)))))))))))
(check-sat)
