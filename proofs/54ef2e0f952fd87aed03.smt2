; corpus/history/2.6.24-5.12-x86/x86_64-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x140 (bvsub RSP (_ bv8 64))))
(let ((?x6 (bvadd ?x140 (_ bv8 64))))
(let (($x134 (and (distinct ?x6 RSP) true)))
(let (($x690 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x547 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x744 (= TF (_ bv0 1))))
(let (($x568 (= VM (_ bv0 1))))
(let (($x375 (= DF (_ bv0 1))))
(and $x375 $x568 $x744 $x547 (or $x690 $x134)))))))))))
(check-sat)
